"""Writes for the public site: forgetting the cached pages when what they show changes."""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

# Every cached page's key carries the generation it was stored under (cms.views): a new
# generation forgets them all at once, in every process that shares the cache.
PAGE_GENERATION_KEY = "cms:page-generation"


def forget_cached_pages() -> None:
    """Start a new page-cache generation now, and again when the transaction commits.

    The second time closes the gap in which a visitor could have cached the page as it was
    before the change was committed.
    """
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    try:
        cache.set(PAGE_GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # a cache server down must not fail a publish
        logger.exception("could not empty the public page cache")
