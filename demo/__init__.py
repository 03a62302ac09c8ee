"""Demo data: the customer's own files under ``data/``, loaded by ``manage.py load_demo``
through the importers and services of the domain apps (see ``loaders``)."""
