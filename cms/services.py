"""Writes for the public site: forgetting the cached pages when what they show changes."""

import logging
import uuid

from django.conf import settings
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


def next_index_number(category, year: int) -> str:
    """The next index number (索引号) of ``category`` in ``year``, by the rule in
    ``SHUXIANG_DISCLOSURE_INDEX_FORMAT`` (the library's code, the category's code, the year
    and a serial number from 1 in each category and year). The sequence row is locked
    until the transaction ends, so numbers are never shared or skipped by a race."""
    from .models import DisclosureSequence

    with transaction.atomic():
        DisclosureSequence.objects.get_or_create(category=category, year=year)
        sequence = DisclosureSequence.objects.select_for_update().get(category=category, year=year)
        sequence.last += 1
        sequence.save(update_fields=["last"])
    return settings.SHUXIANG_DISCLOSURE_INDEX_FORMAT.format(
        org=settings.SHUXIANG_ORG_CODE, category=category.code, year=year, number=sequence.last
    )


def setup_workflow(name: str, page, group) -> None:
    """The moderation workflow over ``page`` and everything below it: one approval task
    for ``group``. Editors, who may not publish, submit their drafts to it; a member of
    the group approves (publishing the page) or asks for changes."""
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    workflow, _created = Workflow.objects.get_or_create(name=name)
    task = GroupApprovalTask.objects.filter(name=name).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=name)
    task.groups.set([group])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})


def add_page(parent, page, *, live=True):
    """Add ``page`` under ``parent`` as the admin does: saved as a draft with its first
    revision, then published unless ``live`` is false. Returns the page as saved."""
    page.live = False
    parent.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
        page.refresh_from_db()
    return page
