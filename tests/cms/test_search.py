"""The site's search finds pages by Chinese words inside longer runs of characters (bigram
index), ranks and highlights the results, and never shows a draft."""

import datetime as dt

import pytest

from cms.models import ContentPage
from cms.search import bigrams, highlight, query_terms
from tests.cms.conftest import annual_report, board_resolution, disclosure, publish

pytestmark = pytest.mark.django_db


def test_text_is_indexed_as_character_bigrams_and_latin_words_whole():
    assert bigrams("2025年度报告") == "2025 年度 度报 报告"
    assert bigrams("ICP备案，书") == "icp 备案 书"
    assert query_terms("阅读推广 阅读") == ["阅读", "读推", "推广"]


def test_highlight_marks_the_words_and_escapes_the_rest():
    html = highlight("我们<b>举办</b>阅读推广活动", "阅读推广")
    assert html == "我们&lt;b&gt;举办&lt;/b&gt;<mark>阅读推广</mark>活动"


def test_a_chinese_word_inside_a_sentence_finds_its_page(client, site):
    business = "<p>全年举办“书香抚州”系列活动，县区分馆实现通借通还。</p>"
    report = annual_report(site, resolution=board_resolution(), live=True, business=business)
    disclosure(site, "2025年部门预算公开")
    html = client.get("/search/", {"q": "通借通还"}).content.decode()
    assert report.title in html
    assert "<mark>通借通还</mark>" in html
    assert "部门预算公开" not in html
    assert "找到 1 条与“通借通还”相关的结果" in html


def test_drafts_are_not_found(client, site):
    disclosure(site, "招标结果公示", code="07", live=False, body="<p>中标供应商名单。</p>")
    html = client.get("/search/", {"q": "中标供应商"}).content.decode()
    assert "招标结果公示" not in html
    assert "找到 0 条" in html


def test_every_word_of_the_query_must_match(client, site):
    disclosure(site, "2025年部门预算公开", body="<p>部门预算收支总表。</p>")
    disclosure(site, "机构职能", code="01", body="<p>文献借阅与阅读推广。</p>")
    html = client.get("/search/", {"q": "预算 阅读"}).content.decode()
    assert "找到 0 条" in html
    html = client.get("/search/", {"q": "预算"}).content.decode()
    assert "2025年部门<mark>预算</mark>公开" in html and "机构职能" not in html


def test_the_page_that_says_it_most_comes_first(client, site):
    publish(site.home, ContentPage(title="借阅规则", slug="rules",
                                   introduction="每证可借图书10册，另有少儿阅读区。"))  # fmt: skip
    publish(site.home, ContentPage(
        title="少儿阅读", slug="children",
        introduction="少儿阅读推广：少儿阅读区开放，少儿阅读活动每周举行。",
    ))  # fmt: skip
    html = client.get("/search/", {"q": "少儿阅读"}).content.decode()
    assert html.index("少儿阅读</mark></a>") < html.index("借阅规则")


def test_an_empty_or_odd_query_is_answered_calmly(client, site):
    assert client.get("/search/").status_code == 200
    assert client.get("/search/", {"q": "！？。"}).status_code == 200
    assert client.get("/search/", {"q": "x" * 500}).status_code == 200


def test_the_results_cost_the_same_queries_for_few_and_many(
    client, site, django_assert_max_num_queries
):
    disclosure(site, "阅读推广公告0", created_on=dt.date(2025, 3, 3))
    with django_assert_max_num_queries(100) as few:
        client.get("/search/", {"q": "阅读推广"})
    baseline = len(few.captured_queries)
    for n in range(1, 10):
        disclosure(site, f"阅读推广公告{n}", created_on=dt.date(2025, 3, 3))
    with django_assert_max_num_queries(baseline):
        html = client.get("/search/", {"q": "阅读推广"}).content.decode()
    assert "找到 11 条" in html  # the ten notices and the home page, which names 阅读推广 too
