"""What every managed model's queryset can do: ``visible_to(user)``, through the access API."""

from __future__ import annotations

from django.db import models


class VisibleToMixin:
    def visible_to(self, user, actions=("view",)):
        """The rows the user may see (or do any of ``actions`` on), filtered in SQL by the
        model's registered scoped policy."""
        from governance.access import visible  # the access API reads these models

        return visible(user, self, actions)


class ScopedQuerySet(VisibleToMixin, models.QuerySet):
    pass
