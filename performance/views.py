"""The appraisal's admin pages: HR's cycles and a cycle's page (quota, steps, who takes
part and why), one person's appraisal (self-summary, scores and proposal, HR's
correction, the result and signature, an appeal), the head's list to score and one's own
appraisals. Thin: every change goes through ``performance.services``; every object
through the access API (out of scope: 404)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.admin import messages

from governance.access import (
    get_for_action_or_404,
    may,
    may_everywhere,
    may_for_instance,
    require,
    visible,
)
from governance.models import OrgUnit
from governance.params import year_or_none
from reporting.forms import SpreadsheetUploadForm
from reporting.imports import ImportFailed
from reporting.responses import pdf_response, xlsx_response
from staffing.models import Staff
from staffing.selectors.compliance import compliance_listing

from . import services
from .documents import publicity_notice, registration_form, results_summary
from .forms import (
    AppealForm,
    CommitteeForm,
    OpenCycleForm,
    OtherItemsForm,
    ParticipationForm,
    PublicityForm,
    ScoreForm,
    SummaryForm,
)
from .importers import import_votes
from .models import Appraisal, AppraisalCycle, DepartmentEvaluation
from .selectors import (
    annual_grades,
    consequences_of,
    department_ranking,
    eligibility,
    quota_of,
    routine_grades,
)

Status = AppraisalCycle.Status


def _done(request, call, success: str) -> bool:
    """Run a service call; its refusal becomes an error message on the page."""
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True


def _cycle(request, pk: int) -> AppraisalCycle:
    """The cycle the user may see (HR; its committee), or 404."""
    cycles = AppraisalCycle.objects.select_related("library")
    return get_for_action_or_404(request.user, cycles, "view", pk=pk)


def _appraisal(request, pk: int) -> Appraisal:
    """The appraisal the user may see (HR, the person's head, the person), or 404."""
    rows = Appraisal.objects.select_related("cycle", "cycle__library", "staff", "unit")
    return get_for_action_or_404(request.user, rows, "view", pk=pk)


@require_http_methods(["GET", "POST"])
def cycles(request):
    """HR's appraisal cycles, newest first, and the form that opens one."""
    require(request.user, AppraisalCycle, "view")
    may_open = may_everywhere(request.user, AppraisalCycle, "add")
    form = OpenCycleForm(request.POST or None)
    if request.method == "POST" and may_open and form.is_valid():
        data = form.cleaned_data
        opened = {}

        def open_it():
            opened["cycle"] = services.open_cycle(
                library=data["library"],
                kind=data["kind"],
                year=data["year"],
                quarter=data["quarter"],
                term_from=data["term_from"],
                quota_basis=data["quota_basis"],
                approval_reference=data["approval_reference"],
                user=request.user,
            )

        if _done(request, open_it, _("The appraisal is open.")):
            return redirect("performance_cycle", pk=opened["cycle"].pk)
    rows = (
        visible(request.user, AppraisalCycle)
        .select_related("library")
        .annotate(people=Count("appraisals", filter=~Q(appraisals__participation="excluded")))
    )
    return TemplateResponse(
        request,
        "performance/cycles.html",
        {"cycles": rows, "form": form if may_open else None},
    )


@require_http_methods(["GET", "POST"])
def cycle(request, pk: int):
    """One cycle: its step, the 优秀 quota left, the publicity, its committee, and
    everyone in it with why they are in, out or not graded. Whoever may see the cycle (HR;
    its committee, by a grant on the cycle) sees everyone in it."""
    chosen = _cycle(request, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    publicity_form = PublicityForm(request.POST if action == "publicity" else None)
    committee_form = CommitteeForm(request.POST if action == "committee" else None, cycle=chosen)
    votes_form = SpreadsheetUploadForm(
        request.POST if action == "votes" else None, request.FILES if action == "votes" else None
    )
    import_errors = []
    if action == "votes" and votes_form.is_valid():
        upload = votes_form.cleaned_data["file"]
        try:
            changed = import_votes(chosen, upload.name, upload.read(), user=request.user)
        except ImportFailed as error:
            import_errors = error.errors
            messages.error(request, _("Nothing was saved: correct the cells listed below."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Votes recorded for %(count)s people.") % {"count": changed}
            )
            return redirect("performance_cycle", pk=chosen.pk)
    if request.method == "POST":
        steps = {
            "advance": (
                lambda: services.advance_cycle(chosen, user=request.user),
                _("The appraisal moved to its next step."),
            ),
            "finalise": (
                lambda: services.finalise_cycle(chosen, user=request.user),
                _("The grades are final."),
            ),
        }
        if action == "publicity" and publicity_form.is_valid():
            steps["publicity"] = (
                lambda: services.start_publicity(
                    chosen, user=request.user, start=publicity_form.cleaned_data["start"]
                ),
                _("The proposed grades are being publicised."),
            )
        if action == "committee" and committee_form.is_valid():
            steps["committee"] = (
                lambda: services.set_committee(
                    chosen, members=committee_form.members(), user=request.user
                ),
                _("The committee is set."),
            )
        if action in steps:
            call, success = steps[action]
            if _done(request, call, success):
                return redirect("performance_cycle", pk=chosen.pk)
    rows = chosen.appraisals.select_related("staff", "unit").order_by(
        "unit__path", "staff__staff_number"
    )
    participation = request.GET.get("participation", "")
    if participation in Appraisal.Participation.values:
        rows = rows.filter(participation=participation)
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(
            Q(staff__name__icontains=query) | Q(staff__staff_number__icontains=query)
        )
    return TemplateResponse(
        request,
        "performance/cycle.html",
        {
            "cycle": chosen,
            "quota": quota_of(chosen),
            "rows": rows,
            "links": may_everywhere(request.user, Appraisal, "view"),
            "committee": chosen.committee.select_related("user").order_by("role"),
            "committee_form": committee_form,
            "votes_form": votes_form,
            "import_errors": import_errors,
            "participations": Appraisal.Participation.choices,
            "participation": participation,
            "query": query,
            "may_run": may_everywhere(request.user, AppraisalCycle, "change"),
            "publicity_form": publicity_form,
            "steps": Status,
        },
    )


def _appraisal_forms(request, appraisal: Appraisal, *, is_self: bool, may_score: bool):
    cycle = appraisal.cycle
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if data else None

    def bound(name, form_class, **kwargs):
        return form_class(data if action == name else None, **kwargs)

    initial_scores = {name: getattr(appraisal, f"score_{name}") for name in services.DIMENSIONS} | {
        "comment": appraisal.comment,
        "proposed_grade": appraisal.proposed_grade,
        **{f"votes_{g}": getattr(appraisal, f"votes_{g}") for g in services.VOTED},
    }
    return {
        "summary": bound("summary", SummaryForm, instance=appraisal)
        if is_self and cycle.status in (Status.OPEN, Status.SELF_SUMMARIES)
        else None,
        "score": bound("score", ScoreForm, initial=initial_scores)
        if may_score and cycle.status == Status.SCORING
        else None,
        "participation": bound(
            "participation", ParticipationForm, initial={"participation": appraisal.participation}
        )
        if may_everywhere(request.user, AppraisalCycle, "change") and not cycle.is_final
        else None,
        "appeal": bound("appeal", AppealForm)
        if is_self and appraisal.grade in services.APPEALABLE
        else None,
    }


@require_http_methods(["GET", "POST"])
def appraisal(request, pk: int):
    """One person's appraisal, as they, their head or HR may see and act on it. The
    person sees a proposed grade only once the cycle is final."""
    chosen = _appraisal(request, pk)
    user = request.user
    is_self = chosen.staff.user_id == user.pk
    may_score = not is_self and may_for_instance(user, chosen, "change")
    forms = _appraisal_forms(request, chosen, is_self=is_self, may_score=may_score)
    if request.method == "POST":
        action = request.POST.get("action")
        form = forms.get(action)
        calls = {"confirm": (lambda: services.confirm_result(chosen, user=user), _("Signed."))}
        if form is not None and form.is_valid():
            data = form.cleaned_data
            calls |= {
                "summary": (
                    lambda: services.submit_summary(
                        chosen, user=user, **{n: data[f"summary_{n}"] for n in services.DIMENSIONS}
                    ),
                    _("Your self-summary is saved."),
                ),
                "score": (
                    lambda: services.score_appraisal(
                        chosen,
                        user=user,
                        scores={n: data[n] for n in services.DIMENSIONS},
                        comment=data["comment"],
                        proposed_grade=data["proposed_grade"] or None,
                        votes={g: data[f"votes_{g}"] for g in services.VOTED},
                    ),
                    _("Scores saved."),
                ),
                "participation": (
                    lambda: services.correct_participation(
                        chosen,
                        participation=data["participation"],
                        reason=data["reason"],
                        user=user,
                    ),
                    _("Participation corrected."),
                ),
                "appeal": (
                    lambda: services.file_appeal(
                        chosen,
                        user=user,
                        kind=data["kind"],
                        reasons=data["reasons"],
                        filed_on=timezone.localdate(),
                    ),
                    _("Your request is filed."),
                ),
            }
        if action in calls:
            call, success = calls[action]
            if _done(request, call, success):
                return redirect("performance_appraisal", pk=chosen.pk)
    shows_proposal = not is_self or may_score or chosen.cycle.is_final
    return TemplateResponse(
        request,
        "performance/appraisal.html",
        {
            "appraisal": chosen,
            "cycle": chosen.cycle,
            "is_self": is_self,
            "shows_proposal": shows_proposal,
            "forms": forms,
            "may_confirm": (
                is_self and chosen.cycle.is_final and chosen.grade and not chosen.confirmed_at
            ),
            "appeals": list(chosen.appeals.order_by("filed_on")),
            "routine": routine_grades(chosen) if shows_proposal else [],
            "consequences": _consequences(chosen),
            "sections": [
                (Appraisal._meta.get_field(f"summary_{n}").verbose_name,
                 getattr(chosen, f"summary_{n}"),
                 getattr(chosen, f"score_{n}"))
                for n in services.DIMENSIONS
            ],
        },
    )  # fmt: skip


def registration_form_pdf(request, pk: int):
    """The person's 年度考核登记表 (PDF), for whoever may see the appraisal."""
    chosen = _appraisal(request, pk)
    if chosen.staff.user_id == request.user.pk and not chosen.cycle.is_final:
        raise Http404  # the person's own form shows the proposal: only once it is the result
    return pdf_response(
        registration_form(chosen),
        _("Appraisal form %(name)s %(year)s")
        % {"name": chosen.staff.name, "year": chosen.cycle.year},
    )


def results_summary_xlsx(request, pk: int):
    """The cycle's results summary (.xlsx): HR and whoever sees the cycle."""
    chosen = _cycle(request, pk)
    return xlsx_response(
        results_summary(chosen),
        _("Appraisal results %(library)s %(year)s")
        % {"library": chosen.library, "year": chosen.year},
    )


def publicity_notice_pdf(request, pk: int):
    """The notice naming the proposed 优秀, to post (from the publicity on)."""
    chosen = _cycle(request, pk)
    return pdf_response(
        publicity_notice(chosen),
        _("Publicity notice %(library)s %(year)s")
        % {"library": chosen.library, "year": chosen.year},
    )


def _consequences(appraisal: Appraisal):
    """What a final annual result means for the person (one query), else None."""
    cycle = appraisal.cycle
    if cycle.kind != AppraisalCycle.Kind.ANNUAL or not cycle.is_final or not appraisal.grade:
        return None
    grades = annual_grades([appraisal.staff_id]).get(appraisal.staff_id, {})
    return consequences_of(grades).get(cycle.year)


def to_score(request):
    """The appraisals a head (or HR) may score now: their units' people in cycles being
    scored (never their own), the ones still without a proposal first."""
    require(request.user, Appraisal, "change")
    rows = visible(
        request.user,
        Appraisal.objects.filter(cycle__status=Status.SCORING)
        .exclude(staff__user=request.user)
        .select_related("cycle", "cycle__library", "staff", "unit")
        .order_by("proposed_grade", "unit__path", "staff__staff_number"),
        ("change",),
    )
    return TemplateResponse(
        request,
        "performance/list.html",
        {"title": _("Appraisals to score"), "rows": rows, "shows_proposal": True},
    )


def mine(request):
    """One's own appraisals, newest first (the result once final)."""
    rows = (
        Appraisal.objects.filter(staff__user=request.user)
        .select_related("cycle", "cycle__library", "staff", "unit")
        .order_by("-cycle__year", "-cycle__quarter")
    )
    return TemplateResponse(
        request,
        "performance/list.html",
        {"title": _("My appraisals"), "rows": rows, "shows_proposal": False},
    )


def eligibility_report(request):
    """HR's report of who may be promoted a post grade and put forward for the next
    title next year, judged at the end of the chosen year, with the reasons."""
    require(request.user, Staff, "view_personal")  # HR: everyone's records
    year = year_or_none(request.GET.get("year")) or timezone.localdate().year
    staff = visible(request.user, Staff).in_post().order_by("unit__path", "staff_number")
    short = {row.pk for row in compliance_listing(request.user, year=year, short_only=True)}
    rows = eligibility(staff, year=year, short=short)
    shown = request.GET.get("show", "")
    if shown == "title":
        rows = [r for r in rows if r.title_ok]
    elif shown == "promotion":
        rows = [r for r in rows if r.promotion_ok]
    return TemplateResponse(
        request,
        "performance/eligibility.html",
        {"rows": rows, "year": year, "next_year": year + 1, "show": shown},
    )


@require_http_methods(["GET", "POST"])
def departments(request):
    """The departments' yearly evaluation of a library: the leadership computes it and
    scores the other items; the ranking is read by HR and the planning office, and each
    head sees their own department's line."""
    require(request.user, DepartmentEvaluation, "view")
    libraries = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.LIBRARY).order_by("path"))
    chosen = next(
        (u for u in libraries if str(u.pk) == request.GET.get("library", "")),
        libraries[0] if libraries else None,
    )
    year = year_or_none(request.GET.get("year")) or timezone.localdate().year - 1
    leads = may_everywhere(request.user, DepartmentEvaluation, "change")
    form = OtherItemsForm(request.POST if request.POST.get("action") == "other" else None)
    if request.method == "POST" and leads and chosen is not None:
        here = f"{request.path}?library={chosen.pk}&year={year}"
        if request.POST.get("action") == "compute":
            if _done(
                request,
                lambda: services.evaluate_departments(chosen, year, user=request.user),
                _("The departments are evaluated."),
            ):
                return redirect(here)
        elif form.is_valid():
            row = get_for_action_or_404(
                request.user, DepartmentEvaluation, "change", pk=form.cleaned_data["evaluation"]
            )
            if _done(
                request,
                lambda: services.score_other_items(
                    row, user=request.user, score=form.cleaned_data["score"],
                    note=form.cleaned_data["note"],
                ),
                _("Scored."),
            ):  # fmt: skip
                return redirect(here)
    rows = visible(request.user, department_ranking(chosen, year)) if chosen else []
    return TemplateResponse(
        request,
        "performance/departments.html",
        {
            "libraries": libraries,
            "library": chosen,
            "year": year,
            "rows": rows,
            "leads": leads,
            "weights": settings.SHUXIANG_DEPARTMENT_WEIGHTS,
        },
    )


def may_see_cycles(user) -> bool:
    return may(user, AppraisalCycle, "view")
