"""A small public site for the website's tests: the home page with the disclosure index
and the annual reports' index under it, the moderation workflow over it, and builders."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from cms.models import (
    AnnualReportIndexPage,
    AnnualReportPage,
    DisclosureCategory,
    DisclosureIndexPage,
    DisclosurePage,
)
from cms.services import add_page as publish
from cms.services import setup_workflow
from demo.loaders.org import load_home_page
from governance.models import BoardMeeting, Resolution
from governance.roles import role_group


@pytest.fixture(autouse=True)
def _empty_page_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(db):
    home, _created = load_home_page()
    disclosures = publish(
        home, DisclosureIndexPage(title="信息公开", slug="disclosure", show_in_menus=True)
    )
    reports = publish(
        home, AnnualReportIndexPage(title="年度报告", slug="annual-reports", show_in_menus=True)
    )
    setup_workflow("馆领导审批", home, role_group("leadership"))
    return SimpleNamespace(home=home, disclosures=disclosures, reports=reports)


def category(code: str) -> DisclosureCategory:
    return DisclosureCategory.objects.get(code=code)


def disclosure(site, title, *, code="04", created_on=dt.date(2025, 3, 3), live=True, **fields):
    page = DisclosurePage(
        title=title,
        category=category(code),
        issuing_body="抚州市图书馆",
        created_on=created_on,
        body=fields.pop("body", f"<p>{title}正文。</p>"),
        **fields,
    )
    return publish(site.disclosures, page, live=live)


def board_resolution(*, year=2025, type=Resolution.Type.ANNUAL_REPORT, votes_for=8, number=None):
    meeting = BoardMeeting.objects.create(
        title=f"理事会{year + 1}年第一次会议", date=dt.date(year + 1, 3, 19), agenda="审议年度报告",
        state=BoardMeeting.State.HELD, serving=9, present=8,
    )  # fmt: skip
    return Resolution.objects.create(
        meeting=meeting, number=number or f"抚图理决〔{year + 1}〕{type}号", type=type,
        title=f"关于{year}年度事业单位法人年度报告的决议", text="同意。",
        party_review="馆党支部会议纪要" if type != Resolution.Type.ANNUAL_REPORT else "",
        votes_for=votes_for,
    )  # fmt: skip


def annual_report(site, year=2025, *, resolution=None, live=False, **parts):
    page = AnnualReportPage(
        title=f"抚州市图书馆{year}年度事业单位法人年度报告",
        slug=str(year),
        year=year,
        resolution=resolution,
        business=parts.pop("business", "<p>全年举办阅读推广活动，县区分馆通借通还。</p>"),
        **parts,
    )
    return publish(site.reports, page, live=live)
