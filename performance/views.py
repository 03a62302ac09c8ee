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
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
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
from governance.params import pk_or_404, year_or_none
from governance.views.actions import run_action
from governance.views.documents import offer_document
from reporting.forms import SpreadsheetUploadForm
from reporting.imports import ImportFailed
from reporting.responses import pdf_response, xlsx_response
from staffing.models import Staff
from staffing.selectors.compliance import compliance_listing

from . import documents, services
from .documents import (
    FORMS_DOCUMENT,
    publicity_notice,
    registration_form,
    registration_forms,
    results_summary,
)
from .forms import (
    AppealDecisionForm,
    AppealForm,
    CommitteeForm,
    ObjectionAnswerForm,
    ObjectionForm,
    OpenCycleForm,
    OtherItemsForm,
    ParticipationForm,
    PublicityForm,
    ScoreForm,
    SettleForm,
    SummaryForm,
)
from .importers import import_votes
from .models import Appraisal, AppraisalCycle, DepartmentEvaluation, Objection
from .selectors import (
    annual_grades,
    consequences_of,
    department_ranking,
    eligibility,
    quota_of,
    routine_grades,
)

Status = AppraisalCycle.Status


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

        if run_action(request, open_it, _("The appraisal is open.")):
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


def cycle(request, pk: int):
    """One cycle: its step, the 优秀 quota left, the publicity and its objections, its
    committee, and everyone in it with why they are in, out or not graded. Whoever may see
    the cycle (HR; its committee, by a grant on the cycle) sees everyone in it."""
    return _cycle_page(request, _cycle(request, pk))


def _cycle_page(request, chosen: AppraisalCycle, *, status: int = 200, **bound):
    """The cycle's page; ``bound`` holds the form a refused POST sends back, errors and
    all (the others are blank)."""
    may_run = may_everywhere(request.user, AppraisalCycle, "change")
    forms = {
        "committee_form": CommitteeForm(cycle=chosen),
        "votes_form": SpreadsheetUploadForm(),
        "publicity_form": PublicityForm(),
        "objection_form": ObjectionForm(cycle=chosen),
        "answer_form": ObjectionAnswerForm(),
    } | bound
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
    objections = (
        Objection.objects.filter(appraisal__cycle=chosen)
        .select_related("appraisal__staff", "appraisal__unit", "recorded_by")
        .order_by("received_on", "pk")
    )
    return TemplateResponse(
        request,
        "performance/cycle.html",
        {
            "cycle": chosen,
            "quota": quota_of(chosen),
            "rows": rows,
            "committee": chosen.committee.select_related("user").order_by("role"),
            "objections": objections,
            "import_errors": bound.get("import_errors", []),
            "participations": Appraisal.Participation.choices,
            "participation": participation,
            "query": query,
            "may_run": may_run,
            "steps": Status,
            "pending": chosen.appraisals.filter(
                participation=Appraisal.Participation.PENDING, grade=""
            ).count()
            if chosen.is_final
            else 0,
            **forms,
        },
        status=status,
    )


def _cycle_action(request, pk: int) -> AppraisalCycle:
    """The cycle an HR action is about (HR only; out of scope: 404)."""
    return get_for_action_or_404(
        request.user, AppraisalCycle.objects.select_related("library"), "change", pk=pk
    )


def _after(request, chosen: AppraisalCycle, call, success: str, **bound):
    """Back to the cycle's page: with the success message, or, refused, the page again
    with the reason (and the bound form) and nothing saved."""
    if run_action(request, call, success):
        return redirect("performance_cycle", pk=chosen.pk)
    return _cycle_page(request, chosen, status=400, **bound)


@require_POST
def cycle_advance(request, pk: int):
    chosen = _cycle_action(request, pk)
    return _after(
        request,
        chosen,
        lambda: services.advance_cycle(chosen, user=request.user),
        _("The appraisal moved to its next step."),
    )


@require_POST
def cycle_finalise(request, pk: int):
    chosen = _cycle_action(request, pk)
    return _after(
        request,
        chosen,
        lambda: services.finalise_cycle(chosen, user=request.user),
        _("The grades are final."),
    )


@require_POST
def cycle_publicity(request, pk: int):
    chosen = _cycle_action(request, pk)
    form = PublicityForm(request.POST)
    if not form.is_valid():
        return _cycle_page(request, chosen, status=400, publicity_form=form)
    return _after(
        request,
        chosen,
        lambda: services.start_publicity(
            chosen, user=request.user, start=form.cleaned_data["start"]
        ),
        _("The proposed grades are being publicised."),
        publicity_form=form,
    )


@require_POST
def cycle_committee(request, pk: int):
    chosen = _cycle_action(request, pk)
    form = CommitteeForm(request.POST, cycle=chosen)
    if not form.is_valid():
        return _cycle_page(request, chosen, status=400, committee_form=form)
    return _after(
        request,
        chosen,
        lambda: services.set_committee(chosen, members=form.members(), user=request.user),
        _("The committee is set."),
        committee_form=form,
    )


@require_POST
def cycle_votes(request, pk: int):
    """The 民主测评 tally from a spreadsheet: all of it, or nothing and the cells to fix."""
    chosen = _cycle_action(request, pk)
    form = SpreadsheetUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _cycle_page(request, chosen, status=400, votes_form=form)
    upload = form.cleaned_data["file"]
    try:
        changed = import_votes(chosen, upload.name, upload.read(), user=request.user)
    except ImportFailed as error:
        messages.error(request, _("Nothing was saved: correct the cells listed below."))
        return _cycle_page(request, chosen, status=400, import_errors=error.errors)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _cycle_page(request, chosen, status=400)
    messages.success(request, _("Votes recorded for %(count)s people.") % {"count": changed})
    return redirect("performance_cycle", pk=chosen.pk)


@require_POST
def cycle_objection(request, pk: int):
    """An objection to a proposed 优秀, received during the publicity."""
    chosen = _cycle_action(request, pk)
    form = ObjectionForm(request.POST, cycle=chosen)
    if not form.is_valid():
        return _cycle_page(request, chosen, status=400, objection_form=form)
    data = form.cleaned_data
    return _after(
        request,
        chosen,
        lambda: services.record_objection(
            data["appraisal"], user=request.user, text=data["text"],
            received_on=data["received_on"],
        ),
        _("The objection is recorded; answer it before the grades are made final."),
        objection_form=form,
    )  # fmt: skip


@require_POST
def objection_answer(request, pk: int):
    """HR's answer to an objection (and, when founded, the proposal instead of 优秀)."""
    objection = get_for_action_or_404(
        request.user,
        Objection.objects.select_related("appraisal__cycle__library"),
        "change",
        pk=pk,
    )
    chosen = objection.appraisal.cycle
    form = ObjectionAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write down the answer (what the committee found)."))
        return _cycle_page(request, chosen, status=400, answer_form=form)
    return _after(
        request,
        chosen,
        lambda: services.answer_objection(
            objection, user=request.user, answer=form.cleaned_data["answer"],
            grade=form.cleaned_data["grade"],
        ),
        _("The objection is answered."),
    )  # fmt: skip


def _appraisal_forms(appraisal: Appraisal, user, *, is_self: bool, may_score: bool, data=None):
    """The forms this user has on this appraisal now (None where they have none), blank."""
    cycle = appraisal.cycle
    hr = may_everywhere(user, AppraisalCycle, "change")
    initial_scores = {name: getattr(appraisal, f"score_{name}") for name in services.DIMENSIONS} | {
        "comment": appraisal.comment,
        "proposed_grade": appraisal.proposed_grade,
        **{f"votes_{g}": getattr(appraisal, f"votes_{g}") for g in services.VOTED},
    }
    open_appeal = next((a for a in appraisal.appeals.all() if not a.decided_on), None)
    return {
        "summary": SummaryForm(instance=appraisal)
        if is_self and cycle.status in (Status.OPEN, Status.SELF_SUMMARIES)
        else None,
        "score": ScoreForm(initial=initial_scores)
        if may_score and cycle.status == Status.SCORING
        else None,
        "participation": ParticipationForm(initial={"participation": appraisal.participation})
        if hr and not cycle.is_final
        else None,
        "appeal": AppealForm() if is_self and appraisal.grade in services.APPEALABLE else None,
        "decide": AppealDecisionForm() if hr and open_appeal else None,
        "settle": SettleForm()
        if hr
        and cycle.is_final
        and appraisal.participation == Appraisal.Participation.PENDING
        and not appraisal.grade
        else None,
    }


def appraisal(request, pk: int):
    """One person's appraisal, as they, their head, HR or the committee may see and act
    on it. The person sees a proposed grade only once the cycle is final."""
    return _appraisal_page(request, _appraisal(request, pk))


def _appraisal_page(request, chosen: Appraisal, *, status: int = 200, **bound):
    user = request.user
    is_self = chosen.staff.user_id == user.pk
    may_score = not is_self and may_for_instance(user, chosen, "change")
    forms = _appraisal_forms(chosen, user, is_self=is_self, may_score=may_score)
    forms |= {name: form for name, form in bound.items() if forms.get(name) is not None}
    shows_proposal = not is_self or may_score or chosen.cycle.is_final
    appeals = list(chosen.appeals.order_by("filed_on"))
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
            "appeals": appeals,
            "open_appeal": next((a for a in appeals if not a.decided_on), None),
            "objections": list(chosen.objections.order_by("received_on")) if not is_self else [],
            "routine": routine_grades(chosen) if shows_proposal else [],
            "consequences": _consequences(chosen),
            "sections": [
                (Appraisal._meta.get_field(f"summary_{n}").verbose_name,
                 getattr(chosen, f"summary_{n}"),
                 getattr(chosen, f"score_{n}"))
                for n in services.DIMENSIONS
            ],
        },
        status=status,
    )  # fmt: skip


def _appraisal_post(request, pk: int, name: str, form_class, call, success: str):
    """Run one of the appraisal page's forms: only someone offered the form may post it
    (404 otherwise); a refusal shows the page again with the reason, nothing saved."""
    chosen = _appraisal(request, pk)
    is_self = chosen.staff.user_id == request.user.pk
    may_score = not is_self and may_for_instance(request.user, chosen, "change")
    offered = _appraisal_forms(chosen, request.user, is_self=is_self, may_score=may_score)
    if offered.get(name) is None:
        raise Http404
    form = form_class(request.POST)
    if form.is_valid():
        if run_action(request, lambda: call(chosen, form.cleaned_data), success):
            return redirect("performance_appraisal", pk=chosen.pk)
    return _appraisal_page(request, chosen, status=400, **{name: form})


@require_POST
def appraisal_summary(request, pk: int):
    def call(chosen, data):
        sections = {n: data[f"summary_{n}"] for n in services.DIMENSIONS}
        services.submit_summary(chosen, user=request.user, **sections)

    return _appraisal_post(
        request, pk, "summary", SummaryForm, call, _("Your self-summary is saved.")
    )


@require_POST
def appraisal_score(request, pk: int):
    def call(chosen, data):
        services.score_appraisal(
            chosen,
            user=request.user,
            scores={n: data[n] for n in services.DIMENSIONS},
            comment=data["comment"],
            proposed_grade=data["proposed_grade"] or None,
            votes={g: data[f"votes_{g}"] for g in services.VOTED},
        )

    return _appraisal_post(request, pk, "score", ScoreForm, call, _("Scores saved."))


@require_POST
def appraisal_participation(request, pk: int):
    def call(chosen, data):
        services.correct_participation(
            chosen, participation=data["participation"], reason=data["reason"],
            user=request.user,
        )  # fmt: skip

    return _appraisal_post(
        request, pk, "participation", ParticipationForm, call, _("Participation corrected.")
    )


@require_POST
def appraisal_appeal(request, pk: int):
    def call(chosen, data):
        services.file_appeal(
            chosen, user=request.user, kind=data["kind"], reasons=data["reasons"],
            filed_on=timezone.localdate(),
        )  # fmt: skip

    return _appraisal_post(request, pk, "appeal", AppealForm, call, _("Your request is filed."))


@require_POST
def appraisal_decide(request, pk: int):
    """HR records the outcome of the review or appeal waiting on this appraisal."""

    def call(chosen, data):
        waiting = chosen.appeals.filter(decided_on=None).first()
        if waiting is None:
            raise ValidationError(_("This has already been decided."))
        services.decide_appeal(
            waiting, user=request.user, outcome=data["outcome"], decided_on=data["decided_on"],
            decision=data["decision"], new_grade=data["new_grade"],
        )  # fmt: skip

    return _appraisal_post(
        request, pk, "decide", AppealDecisionForm, call, _("The decision is recorded.")
    )


@require_POST
def appraisal_settle(request, pk: int):
    """HR gives the grade that waited for a closed case."""

    def call(chosen, data):
        services.settle_pending(
            chosen, user=request.user, grade=data["grade"], reason=data["reason"]
        )

    return _appraisal_post(request, pk, "settle", SettleForm, call, _("The grade is given."))


@require_POST
def appraisal_confirm(request, pk: int):
    chosen = _appraisal(request, pk)
    if run_action(
        request, lambda: services.confirm_result(chosen, user=request.user), _("Signed.")
    ):
        return redirect("performance_appraisal", pk=chosen.pk)
    return _appraisal_page(request, chosen, status=400)


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


# A form is a page of its own: it costs about as much as this many rows of a listing, so a
# cycle past SHUXIANG_BACKGROUND_ROWS / FORM_ROWS people is printed in the background.
FORM_ROWS = 20


def _forms_to_print(cycle: AppraisalCycle):
    """The cycle's people who have a form (all but those not taking part), in unit order."""
    return (
        cycle.appraisals.exclude(participation=Appraisal.Participation.EXCLUDED)
        .select_related("staff", "unit")
        .order_by("unit__path", "staff__staff_number")
    )


def registration_forms_pdf(request, pk: int):
    """Every 年度考核登记表 of the cycle in one PDF to print (HR and the committee); a
    large cycle's is prepared in the background (我的文档)."""
    chosen = _cycle(request, pk)
    title = _("Appraisal forms %(library)s %(year)s") % {
        "library": chosen.library,
        "year": chosen.year,
    }
    rows = _forms_to_print(chosen)
    return offer_document(
        request,
        FORMS_DOCUMENT,
        rows=rows.count() * FORM_ROWS,
        params={"cycle": chosen.pk},
        title=title,
        filename=f"{title}.pdf",
        render=lambda: pdf_response(registration_forms(chosen, rows), title),
    )


def registration_forms_document(user, params: dict, progress) -> bytes:
    """The cycle's forms as a background document, made for ``user`` with their access
    now (a cycle they no longer see: DoesNotExist, the job fails)."""
    chosen = visible(user, AppraisalCycle.objects.select_related("library")).get(pk=params["cycle"])
    return registration_forms(
        chosen, _forms_to_print(chosen).iterator(chunk_size=500), progress=progress
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
            if run_action(
                request,
                lambda: services.evaluate_departments(chosen, year, user=request.user),
                _("The departments are evaluated."),
            ):
                return redirect(here)
        elif form.is_valid():
            row = get_for_action_or_404(
                request.user, DepartmentEvaluation, "change", pk=form.cleaned_data["evaluation"]
            )
            if run_action(
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


def department_ranking_pdf(request):
    """The departments' ranking of a library and year (PDF), as the page shows it to the
    reader (a head: their own department's line)."""
    require(request.user, DepartmentEvaluation, "view")
    library = get_object_or_404(
        OrgUnit.objects.filter(kind=OrgUnit.Kind.LIBRARY), pk=pk_or_404(request.GET.get("library"))
    )
    year = year_or_none(request.GET.get("year"))
    if year is None:
        raise Http404
    rows = visible(request.user, department_ranking(library, year))
    return pdf_response(
        documents.department_ranking_pdf(
            library, year, rows, weights=settings.SHUXIANG_DEPARTMENT_WEIGHTS
        ),
        _("%(library)s departments' evaluation %(year)s") % {"library": library, "year": year},
    )


def may_see_cycles(user) -> bool:
    return may(user, AppraisalCycle, "view")
