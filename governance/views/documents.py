"""我的文档: long documents prepared in the background — a page per document with its
progress (refreshing itself until the file is ready), the list of one's documents, and
the download. ``offer_document`` is what a view of any app calls to hand out a document
that may be long."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.access import get_for_action_or_404, visible
from governance.models import DocumentJob
from governance.services.documents import background_rows, request_document
from reporting.responses import private_file_response

LIST_LENGTH = 50
# A job still waiting after this long means no worker is running: the page says so.
WORKER_LATE_SECONDS = 60
REFRESH_SECONDS = 2


def offer_document(
    request,
    kind: str,
    *,
    rows: int,
    params: dict,
    title: str,
    filename: str,
    render: Callable[[], HttpResponse],
) -> HttpResponse:
    """The document now (``render()``) when it has at most ``SHUXIANG_BACKGROUND_ROWS``
    rows; otherwise queued for the worker, and the user sent to its progress page."""
    if rows <= background_rows():
        return render()
    job = request_document(
        request.user, kind, params=params, title=title, filename=filename, total=rows
    )
    messages.info(
        request,
        _(
            "“%(title)s” has %(rows)s rows: it is being prepared in the background and can "
            "be downloaded here when it is ready."
        )
        % {"title": title, "rows": rows},
    )
    return redirect("shuxiang_document", job.pk)


def document_index(request):
    jobs = visible(request.user, DocumentJob).filter(requested_by=request.user)
    jobs = list(jobs.order_by("-created_at", "-pk")[:LIST_LENGTH])
    context = {
        "jobs": jobs,
        "refresh": REFRESH_SECONDS if any(job.in_progress for job in jobs) else None,
    }
    return TemplateResponse(request, "governance/documents/index.html", context)


def document_detail(request, pk: int):
    job = get_for_action_or_404(request.user, DocumentJob, "view", pk=pk)
    waiting = (timezone.now() - job.created_at).total_seconds()
    context = {
        "job": job,
        "refresh": REFRESH_SECONDS if job.in_progress else None,
        "worker_late": job.status == DocumentJob.Status.QUEUED and waiting > WORKER_LATE_SECONDS,
    }
    return TemplateResponse(request, "governance/documents/detail.html", context)


def document_download(request, pk: int):
    job = get_for_action_or_404(
        request.user, DocumentJob.objects.filter(status=DocumentJob.Status.READY), "view", pk=pk
    )
    return private_file_response(job.file, job.filename)
