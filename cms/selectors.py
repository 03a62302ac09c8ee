"""Reads for the public site and its back office. The site reads the other apps only
through their selectors (plan summary, staff structure, appraisal grades, budget tables,
asset movement, holdings); each function here runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.utils import timezone

from governance.params import year_or_none

from .models import (
    AnnualReportPage,
    DisclosureCategory,
    DisclosurePage,
)
from .search import highlight, query_terms

PAGE_SIZE = 20


# -- disclosures -------------------------------------------------------------------------------


def disclosure_listing(index, params) -> dict:
    """The published disclosures under ``index``, filtered by category code and year (of
    the information) from the query string, 20 a page; unknown filters show everything."""
    items = DisclosurePage.objects.live().public().child_of(index)
    categories = list(
        DisclosureCategory.objects.annotate(
            n=Count("disclosures", filter=_live_under(index))
        ).order_by("order", "code")
    )
    years = sorted(
        {d.year for d in items.order_by().values_list("created_on", flat=True).distinct()},
        reverse=True,
    )
    category = next((c for c in categories if c.code == params.get("category")), None)
    year = year_or_none(params.get("year"))
    if category is not None:
        items = items.filter(category=category)
    if year in years:
        items = items.filter(created_on__year=year)
    else:
        year = None
    items = items.select_related("category").order_by("-created_on", "-pk")
    page = Paginator(items, PAGE_SIZE).get_page(params.get("page"))
    return {
        "categories": categories,
        "years": years,
        "category": category,
        "year": year,
        "items": page,
    }


def _live_under(index):
    from django.db.models import Q

    return Q(
        disclosures__live=True,
        disclosures__path__startswith=index.path,
        disclosures__depth=index.depth + 1,
    )


def budget_table(kind: str, year: int) -> dict:
    from budget.selectors import public_tables

    return public_tables(kind, year)


@dataclass
class Waiting:
    """A disclosure not published yet, with its deadline: the 20th working day after the
    information was made (政府信息公开条例 Art.26; the count is a setting)."""

    page: DisclosurePage
    deadline: dt.date
    working_days: int  # waited so far, the day it was made not counted

    @property
    def overdue(self) -> bool:
        return self.working_days >= settings.SHUXIANG_DISCLOSURE_WORKING_DAYS


def waiting_disclosures(today: dt.date | None = None) -> list[Waiting]:
    """Disclosures never published (drafts and items in approval), oldest first, each
    with its deadline and the working days it has waited. Two queries."""
    from governance.selectors.calendar import WorkingDays

    today = today or timezone.localdate()
    limit = settings.SHUXIANG_DISCLOSURE_WORKING_DAYS
    pages = list(
        DisclosurePage.objects.filter(first_published_at__isnull=True)
        .select_related("category")
        .order_by("created_on", "pk")
    )
    if not pages:
        return []
    first = min(p.created_on for p in pages)
    calendar = WorkingDays(first, today + dt.timedelta(days=limit * 3 + 30))
    rows = []
    for page in pages:
        start = page.created_on + dt.timedelta(days=1)
        rows.append(Waiting(page, calendar.nth(start, limit), calendar.between(start, today)))
    return rows


# -- the annual report -------------------------------------------------------------------------


def _text(value) -> str | None:
    return None if value is None else str(value)


def report_figures(year: int) -> dict:
    """The annual report's figures for ``year`` as stored (strings for decimals): plan
    progress at 31 December, staff at the year's end, the annual appraisal's grades, the
    budget's execution, the fixed-asset movement and the holdings."""
    from assets.selectors import holdings_totals, movement
    from budget.models import BudgetProject
    from budget.selectors import execution_report
    from governance.models import Plan
    from governance.selectors.dashboard import public_summary
    from performance.models import Grade
    from performance.selectors import grade_counts
    from staffing.selectors.structure import workforce_structure

    end = dt.date(year, 12, 31)
    plan = (
        Plan.objects.filter(start_year__lte=year, end_year__gte=year)
        .exclude(status=Plan.Status.DRAFT)
        .order_by("-start_year")
        .first()
    )
    figures: dict = {"year": year, "plan": None}
    if plan is not None:
        summary = public_summary(plan, as_of=end)
        figures["plan"] = {
            "title": plan.title,
            "overall": _text(summary["overall"]),
            "items": summary["items"],
            "items_completed": summary["items_completed"],
            "areas": [
                {"number": a["number"], "title": a["title"], "progress": _text(a["progress"])}
                for a in summary["areas"]
            ],
        }
    structure = workforce_structure(as_of=end)
    figures["staff"] = {
        "headcount": structure.headcount,
        "senior_share": _text(structure.senior_share),
        "intermediate_share": _text(structure.intermediate_share),
    }
    grades = grade_counts(year)
    figures["appraisal"] = [
        {"grade": value, "label": str(label), "count": grades.get(value, 0)}
        for value, label in Grade.choices
        if value in grades or value != Grade.UNGRADED
    ]
    execution = execution_report(BudgetProject.objects.all(), year=year, month=12)
    figures["budget"] = {
        "budget": _text(execution.total.budget),
        "spent": _text(execution.total.spent),
        "rate": _text(execution.total.rate),
    }
    rows = movement(year)
    keys = ("opening", "added", "disposed", "closing", "depreciation", "net")
    figures["assets"] = {key: _text(sum((row[key] for row in rows), Decimal(0))) for key in keys}
    holdings = holdings_totals(end)
    figures["holdings"] = {
        "volumes": sum(row["volumes"] for row in holdings),
        "bought": sum(row["bought"] for row in holdings),
        "spent": _text(sum((row["spent"] for row in holdings), Decimal(0))),
    }
    return figures


@dataclass
class ReportDue:
    year: int
    deadline: dt.date
    days_left: int  # negative once overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def annual_report_due(today: dt.date | None = None) -> ReportDue | None:
    """Last year's annual report while it is not published: due by 31 March (the month
    and day are a setting). One query."""
    today = today or timezone.localdate()
    year = today.year - 1
    if AnnualReportPage.objects.live().filter(year=year).exists():
        return None
    month, day = settings.SHUXIANG_ANNUAL_REPORT_DUE
    deadline = dt.date(today.year, month, day)
    return ReportDue(year, deadline, (deadline - today).days)


# -- the plan in public ------------------------------------------------------------------------


def plan_in_public(plan) -> dict:
    """The plan's public-safe summary today, its evaluations' stored overall figures and
    the board's published resolutions on the plan."""
    from governance.models import PlanEvaluation, Resolution
    from governance.selectors.board import published_resolutions
    from governance.selectors.dashboard import public_summary

    summary = public_summary(plan, as_of=timezone.localdate())
    evaluations = [
        {"title": e.title, "as_of": e.as_of, "overall": (e.figures or {}).get("overall")}
        for e in PlanEvaluation.objects.filter(plan=plan).order_by("as_of")
    ]
    resolutions = list(published_resolutions().filter(type=Resolution.Type.PLAN))
    return {"summary": summary, "evaluations": evaluations, "resolutions": resolutions}


# -- search ------------------------------------------------------------------------------------


@dataclass
class Hit:
    page: object
    title: str
    excerpt: str
    kind: str


def site_search(query: str, *, page_number=None) -> dict:
    """Live public pages matching every bigram of ``query``, best first, 20 a page, each
    with its excerpt highlighted."""
    from wagtail.models import Page

    query = (query or "").strip()[:100]
    found = query_terms(query)
    if not found:
        return {"query": query, "hits": None, "results": None}
    results = (
        Page.objects.live()
        .public()
        .specific()
        .search(" ".join(found), operator="and", order_by_relevance=True)
    )
    paginated = Paginator(results, PAGE_SIZE).get_page(page_number)
    hits = []
    for page in paginated:
        text = page.excerpt_text() if hasattr(page, "excerpt_text") else page.title
        body = text[len(page.title) :] if text.startswith(page.title) else text
        title = highlight(page.title, query, width=200)
        hits.append(Hit(page, title, highlight(body, query), str(page._meta.verbose_name)))
    return {"query": query, "hits": hits, "results": paginated}
