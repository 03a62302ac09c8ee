"""The public website (``site.json``): the pages under the home page — services and
opening hours, borrowing rules, the county libraries, notices, the disclosures (one still
waiting for approval, past its 20 working days), the 2024 and 2025 annual reports with
the board's resolutions, the plan in public — the footer's identifiers, and the
moderation workflow (editors draft, leadership approves) over the whole site."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from cms.models import (
    AnnualReportIndexPage,
    AnnualReportPage,
    Branch,
    BranchIndexPage,
    ContentPage,
    DisclosureCategory,
    DisclosureIndexPage,
    DisclosurePage,
    HomePage,
    NoticeIndexPage,
    NoticePage,
    PlanPage,
    PublicIdentity,
)
from cms.services import add_page, setup_workflow
from governance.models import Plan, Resolution
from governance.roles import role_group

from .files import path

# The home page's links, by their title, to the pages they open (by slug).
HOME_LINKS = {
    "开放时间与借阅指南": "services",
    "信息公开": "disclosure",
    "年度报告": "annual-reports",
    "县（区）图书馆": "libraries",
}


def load_site() -> dict[str, int]:
    """Build the site under the home page once; later runs change nothing."""
    home = HomePage.objects.first()
    if home is None or home.get_children().exists():
        return {"pages": 0}
    content = json.loads(path("site.json").read_text(encoding="utf-8"))
    PublicIdentity.objects.update_or_create(site=home.get_site(), defaults=content["identity"])
    before = home.get_descendants().count()
    slugs = {}
    for spec in content["pages"]:
        page = _BUILDERS[spec["type"]](home, spec)
        slugs[spec["slug"]] = page
    home.links = [
        ("link", {**block.value, "page": slugs.get(HOME_LINKS.get(block.value["title"]))})
        for block in home.links
    ]
    home.save_revision().publish()
    setup_workflow(content["workflow"], home, role_group("leadership"))
    return {"pages": home.get_descendants().count() - before}


def _menu(spec) -> dict:
    return {"title": spec["title"], "slug": spec["slug"], "show_in_menus": True}


def _content(home, spec):
    body = []
    for kind, value in spec["body"]:
        if kind == "table":
            value = {"data": value, "first_row_is_table_header": True,
                     "first_col_is_header": False}  # fmt: skip
        body.append((kind, value))
    page = ContentPage(**_menu(spec), introduction=spec["introduction"], body=body)
    return add_page(home, page)


def _branches(home, spec):
    page = BranchIndexPage(**_menu(spec), introduction=spec["introduction"])
    page.branches = [
        Branch(name=name, address=address, phone=phone, opening_hours=hours)
        for name, address, phone, hours in spec["branches"]
    ]
    return add_page(home, page)


def _notices(home, spec):
    index = add_page(home, NoticeIndexPage(**_menu(spec)))
    for day, title, body in spec["notices"]:
        add_page(index, NoticePage(title=title, date=dt.date.fromisoformat(day), body=body))
    return index


def _disclosures(home, spec):
    index = add_page(home, DisclosureIndexPage(**_menu(spec), introduction=spec["introduction"]))
    categories = {c.code: c for c in DisclosureCategory.objects.all()}
    issuer = home.library_name
    for item in spec["items"]:
        created = dt.date.fromisoformat(item["created_on"])
        page = DisclosurePage(
            title=item["title"],
            category=categories[item["category"]],
            document_number=item["document_number"],
            issuing_body=issuer,
            created_on=created,
            body=item["body"],
            validity=item.get("validity", DisclosurePage.Validity.VALID),
            repealed_on=item.get("repealed_on"),
            budget_table=item.get("budget_table", ""),
            budget_year=item.get("budget_year"),
        )
        add_page(index, page, live=item["published"])
        if item["published"]:  # published some working days after it was made
            when = timezone.make_aware(dt.datetime.combine(created + dt.timedelta(days=7),
                                                           dt.time(10)))  # fmt: skip
            DisclosurePage.objects.filter(pk=page.pk).update(
                first_published_at=when, last_published_at=when
            )
    return index


def _reports(home, spec):
    index = add_page(home, AnnualReportIndexPage(**_menu(spec),
                                                 introduction=spec["introduction"]))  # fmt: skip
    resolutions = {r.number: r for r in Resolution.objects.all()}
    for item in spec["reports"]:
        year = item["year"]
        fields = {k: v for k, v in item.items() if k not in ("year", "resolution")}
        page = AnnualReportPage(
            title=f"{home.library_name}{year}年度事业单位法人年度报告",
            slug=str(year),
            year=year,
            resolution=resolutions[item["resolution"]],
            **fields,
        )
        add_page(index, page)
    return index


def _plan(home, spec):
    plan = Plan.objects.exclude(status=Plan.Status.DRAFT).order_by("-start_year").first()
    return add_page(home, PlanPage(**_menu(spec), plan=plan, introduction=spec["introduction"]))


_BUILDERS = {
    "content": _content,
    "branches": _branches,
    "notices": _notices,
    "disclosures": _disclosures,
    "reports": _reports,
    "plan": _plan,
}
