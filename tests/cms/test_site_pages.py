"""The site's frame and plain pages: the navigation, the footer's identifiers, the county
libraries with their addresses, notices newest first (on the home page too)."""

import datetime as dt

import pytest

from cms.models import Branch, BranchIndexPage, NoticeIndexPage, NoticePage, PublicIdentity
from tests.cms.conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(site):
    return publish(site.home, NoticeIndexPage(title="通知公告", slug="notices", show_in_menus=True))


def notice(index, title, day):
    return publish(index, NoticePage(title=title, date=day, body=f"<p>{title}。</p>"))


def test_the_navigation_lists_the_sections_and_marks_the_current_one(client, site):
    html = client.get("/disclosure/").content.decode()
    nav = html.split('aria-label="主导航"', 1)[1].split("</nav>", 1)[0]
    assert "信息公开" in nav and "年度报告" in nav and "首页" in nav
    assert '<a href="/disclosure/" aria-current="page">信息公开</a>' in nav


def test_the_footer_shows_the_sites_identifiers(client, site):
    identity = {
        "icp_number": "赣ICP备12345678号-1",
        "police_number": "赣公网安备 36100002000001号",
        "site_code": "3610000001",
        "sponsor": "抚州市图书馆",
    }
    PublicIdentity.objects.update_or_create(site=site.home.get_site(), defaults=identity)
    html = client.get("/").content.decode()
    footer = html.split("<footer>", 1)[1]
    assert 'href="https://beian.miit.gov.cn/"' in footer and "赣ICP备12345678号-1" in footer
    assert "赣公网安备 36100002000001号" in footer and "网站标识码： 3610000001" in footer


def test_the_county_libraries_are_listed_with_their_addresses(client, site):
    page = BranchIndexPage(title="县（区）图书馆", slug="libraries", show_in_menus=True)
    page.branches = [
        Branch(name="南城县图书馆", address="南城县建昌镇", phone="0794-7000001"),
        Branch(name="黎川县图书馆", address="黎川县日峰镇"),
    ]
    publish(site.home, page)
    html = client.get("/libraries/").content.decode()
    assert "南城县建昌镇" in html and "0794-7000001" in html and "黎川县日峰镇" in html


def test_notices_newest_first_and_the_latest_on_the_home_page(client, site, notices):
    for n in range(7):
        notice(notices, f"公告{n}", dt.date(2026, 1, 1) + dt.timedelta(days=n))
    listing = client.get("/notices/").content.decode()
    assert listing.index("公告6") < listing.index("公告0")
    home = client.get("/").content.decode()
    assert "公告6" in home and "公告2" in home and "公告1" not in home  # the five newest


def test_the_notices_cost_the_same_queries_for_few_and_many(
    client, site, notices, django_assert_max_num_queries
):
    notice(notices, "公告甲", dt.date(2026, 1, 1))
    with django_assert_max_num_queries(100) as few:
        client.get("/notices/")
    baseline = len(few.captured_queries)
    for n in range(10):
        notice(notices, f"公告{n}", dt.date(2026, 2, 1))
    with django_assert_max_num_queries(baseline):
        html = client.get("/notices/").content.decode()
    assert "公告9" in html
