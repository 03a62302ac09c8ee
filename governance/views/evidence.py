"""The one way to a progress report's evidence file, or a board paper: through the access
policy.

Served outside Wagtail's admin decorator on purpose: anyone the policy does not let
see the file — another unit's head, or an anonymous visitor — gets the same 404, never
a login page that would confirm the file exists."""

from __future__ import annotations

from django.views.decorators.http import require_GET

from governance.access import get_for_action_or_404
from governance.models import BoardPaper, ContributionEvidence, Evidence
from reporting.responses import private_file_response


@require_GET
def evidence_file(request, evidence_pk: int):
    evidence = get_for_action_or_404(request.user, Evidence, "view", pk=evidence_pk)
    return private_file_response(evidence.file, evidence.name, evidence.content_type)


@require_GET
def contribution_evidence_file(request, evidence_pk: int):
    evidence = get_for_action_or_404(request.user, ContributionEvidence, "view", pk=evidence_pk)
    return private_file_response(evidence.file, evidence.name, evidence.content_type)


@require_GET
def board_paper_file(request, paper_pk: int):
    """A board paper: to trustees and the board's secretary only."""
    paper = get_for_action_or_404(request.user, BoardPaper, "view", pk=paper_pk)
    return private_file_response(paper.file, paper.name, paper.content_type)
