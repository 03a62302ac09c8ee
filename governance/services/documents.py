"""Long documents prepared in the background, for any app.

A document that can run to thousands of rows (the whole system's roster, the tracking
table of a 5,000-item plan, later the asset ledger) is not made while a request waits:
past ``SHUXIANG_BACKGROUND_ROWS`` rows the view calls ``request_document`` and sends the
user to the document's page, where its progress shows until the file can be downloaded.
The worker (``manage.py db_worker``, started by ``make run`` and ``make serve``) runs
``prepare_document``.

An app offers a long document by registering how to make it, in its ``wagtail_hooks``::

    register_long_document("staffing.roster", roster_document)

``roster_document(user, params, progress)`` returns the file's bytes. It runs in the
worker *as the person who asked*: it applies their access again (access may have changed
since), from ``params`` that hold only primary keys, dates and flags (JSON), and calls
``progress(rows_done)`` as it goes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task
from wagtail.hooks import search_for_hooks
from wagtail.log_actions import log

from governance.models import DocumentJob

logger = logging.getLogger(__name__)

# How often the worker writes its progress (a row count) to the job: often enough for a
# progress bar, rarely enough not to matter next to the work.
PROGRESS_SECONDS = 1.0
KEEP = dt.timedelta(days=7)  # a prepared document is kept this long, then removed


@dataclass(frozen=True)
class LongDocument:
    kind: str
    render: Callable[[Any, dict, Callable[[int], None]], bytes]


LONG_DOCUMENTS: dict[str, LongDocument] = {}


def register_long_document(kind: str, render) -> None:
    """Offer ``render(user, params, progress) -> bytes`` as the long document ``kind``
    (the file's type comes from the name the view gives it: ``….pdf``, ``….xlsx``)."""
    LONG_DOCUMENTS[kind] = LongDocument(kind, render)


def long_document(kind: str) -> LongDocument:
    search_for_hooks()  # the worker process has not loaded the apps' hooks
    try:
        return LONG_DOCUMENTS[kind]
    except KeyError:
        raise LookupError(f"no long document {kind!r} is registered") from None


def background_rows() -> int:
    """Documents of more rows than this are prepared in the background."""
    return settings.SHUXIANG_BACKGROUND_ROWS


def request_document(
    user, kind: str, *, params: dict, title: str, filename: str, total: int
) -> DocumentJob:
    """Queue the document ``kind`` for ``user`` (``total`` rows expected) and return its
    job; the same document already waiting or in preparation for them is returned instead
    of starting a second one (a double click, a reload)."""
    long_document(kind)
    params = {**params, "language": translation.get_language()}
    with transaction.atomic():
        _remove_old_documents(user)
        job = (
            DocumentJob.objects.filter(
                requested_by=user,
                kind=kind,
                params=params,
                status__in=(DocumentJob.Status.QUEUED, DocumentJob.Status.RUNNING),
            )
            .order_by("-created_at")
            .first()
        )
        if job is not None:
            return job
        job = DocumentJob.objects.create(
            requested_by=user,
            kind=kind,
            params=params,
            title=title,
            filename=filename,
            total=total,
        )
        log(job, "shuxiang.document.request", user=user, data={"kind": kind, "rows": total})
        transaction.on_commit(partial(prepare_document.enqueue, job.pk))
    return job


def _remove_old_documents(user) -> None:
    old = DocumentJob.objects.filter(requested_by=user, created_at__lt=timezone.now() - KEEP)
    for name in old.exclude(file="").values_list("file", flat=True):
        DocumentJob._meta.get_field("file").storage.delete(name)
    old.delete()


class _Progress:
    """Writes the rows done to the job at most once every ``PROGRESS_SECONDS``."""

    def __init__(self, job: DocumentJob):
        self.job = job
        self.written = timezone.now()

    def __call__(self, done: int) -> None:
        now = timezone.now()
        if (now - self.written).total_seconds() < PROGRESS_SECONDS:
            return
        self.written = now
        done = min(done, self.job.total) if self.job.total else done
        DocumentJob.objects.filter(pk=self.job.pk).update(done=done)


@task()
def prepare_document(job_id: int) -> None:
    """Make the job's document (in the worker): claim it, render it as its requester with
    progress written as it goes, then store the file — or record that it failed."""
    claimed = DocumentJob.objects.filter(pk=job_id, status=DocumentJob.Status.QUEUED).update(
        status=DocumentJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return  # taken by another worker, or removed
    job = DocumentJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        spec = long_document(job.kind)
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            data = spec.render(job.requested_by, job.params, _Progress(job))
        job.file.save(job.filename, ContentFile(data), save=False)
    except Exception:
        # The page says it failed; what went wrong goes to the log (no figures of the
        # document in it: the exception's own text only).
        logger.exception("document job %s (%s) failed", job.pk, job.kind)
        DocumentJob.objects.filter(pk=job.pk).update(
            status=DocumentJob.Status.FAILED, finished_at=timezone.now()
        )
        return
    DocumentJob.objects.filter(pk=job.pk).update(
        status=DocumentJob.Status.READY,
        file=job.file.name,
        size=len(data),
        done=job.total,
        finished_at=timezone.now(),
    )
