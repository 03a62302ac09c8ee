"""Sign-in throttling on django-axes: the lockout page, and the administrators' lockout screen.

A small app inside ``config/`` because it is site plumbing, not a domain: it has no models
of its own (axes owns them) and depends on no app of ours.
"""
