"""Naming a plan item in a sheet: by its title, its full number or the start of its title."""

import pytest
from django.utils import translation

from governance.importers.items import ItemLookup
from tests.factories import Node, item, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def lookup(db):
    plan = make_plan(
        [
            Node(
                "一、",
                "主要任务",
                [
                    Node(
                        "（一）",
                        "完善服务体系",
                        [Node("1.", "推进总分馆建设"), Node("2.", "送书上门")],
                    ),
                    Node("（二）", "加强阅读推广", [Node("1.", "推进阅读推广联动")]),
                ],
            )
        ]
    )
    return plan, ItemLookup(plan)


def test_an_item_is_found_by_title_number_or_a_unique_start(lookup):
    plan, items = lookup
    assert items.find(" 送书上门 ") == item(plan, "送书上门")
    assert items.find("一、（二）1.") == item(plan, "推进阅读推广联动")
    assert items.find("推进总分") == item(plan, "推进总分馆建设")


def test_ambiguous_or_unknown_names_are_explained(lookup):
    _plan, items = lookup
    with translation.override("en"):
        with pytest.raises(ValueError, match="2 items have a title starting with “推进”"):
            items.find("推进")
        with pytest.raises(ValueError, match="no item of the plan .* “一、（三）”"):
            items.find("一、（三）")
