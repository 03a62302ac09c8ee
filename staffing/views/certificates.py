"""The one way to an external training's certificate scan: HR and administrators only.

Scans often show an ID number, which only HR sees; the download is the policy's
``view_certificate`` action, given to no unit-scoped role. Everyone else — a department
head who sees the training record, its own staff member, an anonymous visitor — gets a
404, never a login page that would confirm the file exists."""

from __future__ import annotations

from pathlib import PurePath

from django.http import Http404
from django.views.decorators.http import require_GET

from governance.access import get_for_action_or_404, may_everywhere
from reporting.responses import private_file_response

from ..models import ExternalTraining


def may_download_certificates(user) -> bool:
    return may_everywhere(user, ExternalTraining, "view_certificate")


@require_GET
def certificate_file(request, training_pk: int):
    if not may_download_certificates(request.user):
        raise Http404
    training = get_for_action_or_404(
        request.user,
        ExternalTraining.objects.exclude(certificate=""),
        "view_certificate",
        pk=training_pk,
    )
    name = training.certificate_name or PurePath(training.certificate.name).name
    return private_file_response(training.certificate, name)
