"""Correcting a plan's outline after import: add, move, reorder, delete — planning office
only, one history entry each, numbers brought in order where the siblings count 1, 2, 3…,
and no deletion while anything is recorded on the item."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from governance.models import AnnualTarget, Contribution, Period, PlanItem, ProgressReport
from governance.services.outline import add_item, delete_item, move_item, reorder_item
from tests.factories import Node, item, make_plan


@pytest.fixture
def plan(org):
    return make_plan(
        [
            Node(
                "一、",
                "主要任务",
                [
                    Node("（一）", "阅读推广", [Node("1．", "读书月"), Node("2．", "读书会")]),
                    Node("（二）", "数字服务", [Node("1．", "数字平台")]),
                    Node("（三）", "总分馆"),
                ],
            ),
            Node("二、", "保障措施", [Node("①", "组织"), Node("③", "经费")]),
        ]
    )


def outline_of(plan, parent_title=None):
    rows = PlanItem.objects.filter(plan=plan)
    if parent_title is None:
        rows = rows.filter(depth=1)
    else:
        parent = item(plan, parent_title)
        rows = rows.filter(path__startswith=parent.path, depth=parent.depth + 1)
    return [f"{i.number}{i.title}" for i in rows.order_by("path")]


def log_actions(action):
    return list(ModelLogEntry.objects.filter(action=action))


def test_planner_adds_an_item_numbered_by_its_place(plan, planner):
    outcome = add_item(
        plan, user=planner, title="社会合作", parent=item(plan, "主要任务"), position=1
    )
    assert outcome.renumbered
    assert outline_of(plan, "主要任务") == [
        "（一）阅读推广",
        "（二）社会合作",
        "（三）数字服务",
        "（四）总分馆",
    ]
    (entry,) = log_actions("shuxiang.outline.add")
    assert entry.user_id == planner.pk


def test_an_item_added_among_numbers_with_a_gap_keeps_its_number_and_says_so(plan, planner):
    outcome = add_item(plan, user=planner, title="监督", number="④", parent=item(plan, "保障措施"))
    assert not outcome.renumbered
    assert outline_of(plan, "保障措施") == ["①组织", "③经费", "④监督"]


def test_planner_moves_an_item_under_another_parent(plan, planner):
    outcome = move_item(item(plan, "读书会"), user=planner, parent=item(plan, "数字服务"))
    assert outcome.renumbered
    assert outline_of(plan, "数字服务") == ["1．数字平台", "2．读书会"]
    assert outline_of(plan, "阅读推广") == ["1．读书月"]
    moved = item(plan, "读书会")
    assert moved.get_parent().title == "数字服务"
    (entry,) = log_actions("shuxiang.outline.move")
    assert entry.data["old"] == "（一）阅读推广"


def test_an_item_moves_with_its_sub_items_to_the_top_level(plan, planner):
    move_item(item(plan, "数字服务"), user=planner, parent=None, position=1)
    assert outline_of(plan) == ["一、主要任务", "二、数字服务", "三、保障措施"]
    assert outline_of(plan, "数字服务") == ["1．数字平台"]
    assert outline_of(plan, "主要任务") == ["（一）阅读推广", "（二）总分馆"]


def test_planner_reorders_siblings(plan, planner):
    reorder_item(item(plan, "总分馆"), user=planner, position=0)
    assert outline_of(plan, "主要任务") == ["（一）总分馆", "（二）阅读推广", "（三）数字服务"]
    assert outline_of(plan, "阅读推广") == ["1．读书月", "2．读书会"]


def test_an_item_cannot_move_under_its_own_sub_item(plan, planner):
    with pytest.raises(ValidationError, match="不能移到自身或其下级条目之下"):
        move_item(item(plan, "主要任务"), user=planner, parent=item(plan, "阅读推广"))
    assert outline_of(plan) == ["一、主要任务", "二、保障措施"]


def test_the_rollup_is_refreshed_after_a_move(plan, planner, head_a, org):
    task = item(plan, "读书月")
    PlanItem.objects.filter(pk=task.pk).update(lead_unit=org["a"])
    ProgressReport.objects.create(
        item=task,
        period=Period.objects.filter(plan=plan).first(),
        percent=Decimal("60"),
        health="on_track",
        narrative="已完成",
        author=head_a,
        status=ProgressReport.Status.ACCEPTED,
    )
    move_item(task, user=planner, parent=item(plan, "总分馆"))
    assert item(plan, "总分馆").progress == Decimal("60")


def test_planner_deletes_an_item_nothing_is_reported_on(plan, planner):
    outcome = delete_item(item(plan, "阅读推广"), user=planner)
    assert outcome.renumbered
    assert outline_of(plan, "主要任务") == ["（一）数字服务", "（二）总分馆"]
    assert not PlanItem.objects.filter(plan=plan, title="读书月").exists()
    (entry,) = log_actions("shuxiang.outline.delete")
    assert entry.data["items"] == 3


@pytest.mark.parametrize("what", ["report", "contribution", "target"])
def test_an_item_reported_on_cannot_be_deleted(plan, planner, head_a, org, what):
    task = item(plan, "读书会")
    period = Period.objects.filter(plan=plan).first()
    if what == "report":
        ProgressReport.objects.create(
            item=task, period=period, percent=10, health="on_track", narrative="x", author=head_a
        )
    elif what == "contribution":
        Contribution.objects.create(
            item=task, period=period, unit=org["a"], text="配合", author=head_a
        )
    else:
        AnnualTarget.objects.create(item=task, year=2022, description="办两场")
    with pytest.raises(ValidationError, match="不能删除：该条目及其下级条目已有"):
        delete_item(item(plan, "阅读推广"), user=planner)
    assert PlanItem.objects.filter(plan=plan, title="读书会").exists()
    assert log_actions("shuxiang.outline.delete") == []


def test_a_head_may_not_change_the_outline(plan, head_a, org):
    task = item(plan, "读书会")
    PlanItem.objects.filter(pk=task.pk).update(lead_unit=org["a"])
    task.refresh_from_db()
    with pytest.raises(PermissionDenied):
        add_item(plan, user=head_a, title="新任务")
    with pytest.raises(PermissionDenied):
        move_item(task, user=head_a, parent=None)
    with pytest.raises(PermissionDenied):
        reorder_item(task, user=head_a, position=0)
    with pytest.raises(PermissionDenied):
        delete_item(task, user=head_a)


# -- the pages ---------------------------------------------------------------------------


def test_planner_adds_an_item_through_the_page(client, plan, planner):
    client.force_login(planner)
    url = reverse("plan_outline_add", args=[plan.pk])
    page = client.get(url + f"?parent={item(plan, '保障措施').pk}")
    assert page.status_code == 200
    assert "添加条目" in page.content.decode()
    response = client.post(
        url,
        {"title": "监督检查", "kind": "task", "parent": item(plan, "主要任务").pk, "position": ""},
    )
    assert response.status_code == 302
    assert outline_of(plan, "主要任务")[-1] == "（四）监督检查"


def test_planner_moves_and_reorders_through_the_pages(client, plan, planner):
    client.force_login(planner)
    task = item(plan, "总分馆")
    assert client.get(reverse("plan_outline_move", args=[task.pk])).status_code == 200
    response = client.post(
        reverse("plan_outline_move", args=[task.pk]),
        {"parent": item(plan, "保障措施").pk, "position": "1"},
    )
    assert response.status_code == 302
    # ① ③ do not count 1, 2, 3: the numbers stay as written (and the page says so).
    assert outline_of(plan, "保障措施") == ["（三）总分馆", "①组织", "③经费"]
    assert outline_of(plan, "主要任务") == ["（一）阅读推广", "（二）数字服务"]
    response = client.post(reverse("plan_outline_up", args=[item(plan, "数字服务").pk]))
    assert response.status_code == 302
    assert outline_of(plan, "主要任务") == ["（一）数字服务", "（二）阅读推广"]


def test_delete_page_refuses_with_a_clear_message_when_reported_on(client, plan, planner):
    AnnualTarget.objects.create(item=item(plan, "读书会"), year=2022, description="办两场")
    client.force_login(planner)
    url = reverse("plan_outline_delete", args=[item(plan, "阅读推广").pk])
    page = client.get(url).content.decode()
    assert "不能删除" in page
    response = client.post(url, follow=True)
    assert "不能删除" in response.content.decode()
    assert PlanItem.objects.filter(plan=plan, title="阅读推广").exists()


def test_planner_deletes_through_the_page(client, plan, planner):
    client.force_login(planner)
    url = reverse("plan_outline_delete", args=[item(plan, "总分馆").pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not PlanItem.objects.filter(plan=plan, title="总分馆").exists()


def test_a_head_is_refused_the_outline_pages(client, plan, head_a, head_b, org):
    own = item(plan, "读书会")
    PlanItem.objects.filter(pk=own.pk).update(lead_unit=org["a"])
    home = reverse("wagtailadmin_home")
    client.force_login(head_a)
    # Their own item: refused (the admin's "no permission" redirect), nothing changes.
    for response in (
        client.get(reverse("plan_outline_add", args=[plan.pk])),
        client.post(reverse("plan_outline_add", args=[plan.pk]), {"title": "新", "kind": "task"}),
        client.get(reverse("plan_outline_move", args=[own.pk])),
        client.post(reverse("plan_outline_move", args=[own.pk]), {"parent": ""}),
        client.post(reverse("plan_outline_up", args=[own.pk])),
    ):
        assert response.status_code == 302 and response["Location"] == home
    assert client.get(reverse("plan_outline_delete", args=[own.pk])).status_code == 404
    assert client.post(reverse("plan_outline_delete", args=[own.pk])).status_code == 404
    client.force_login(head_b)
    # Another unit's item does not exist for them.
    assert client.post(reverse("plan_outline_up", args=[own.pk])).status_code == 404
    assert client.get(reverse("plan_outline_delete", args=[own.pk])).status_code == 404
    assert outline_of(plan, "阅读推广") == ["1．读书月", "2．读书会"]
    assert not PlanItem.objects.filter(plan=plan, title="新").exists()


def test_the_item_listing_offers_the_outline_actions_to_the_planner_only(
    client, plan, planner, head_a, org
):
    PlanItem.objects.filter(pk=item(plan, "读书会").pk).update(lead_unit=org["a"])
    client.force_login(planner)
    listing = client.get(reverse("governance_planitem:index") + f"?plan={plan.pk}")
    assert reverse("plan_outline_move", args=[item(plan, "读书会").pk]) in listing.content.decode()
    client.force_login(head_a)
    listing = client.get(reverse("governance_planitem:index") + f"?plan={plan.pk}")
    assert "/outline/" not in listing.content.decode()


def test_the_outline_buttons_cost_no_query_per_row(client, plan, planner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("governance_planitem:index") + f"?plan={plan.pk}"
    client.force_login(planner)

    def queries():
        client.get(url)  # warm the per-process caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for n in range(40):
        add_item(plan, user=planner, title=f"任务{n}", parent=item(plan, "总分馆"))
    assert queries() == few


HUGE = "99999999999999999999999"


def test_outline_pages_refuse_bad_numbers_without_a_500(client, plan, planner):
    client.force_login(planner)
    task = item(plan, "总分馆")
    for method, url, data in [
        ("get", reverse("plan_outline_add", args=[HUGE]), {}),
        ("get", reverse("plan_outline_add", args=[plan.pk]), {"parent": HUGE}),
        ("post", reverse("plan_outline_add", args=[plan.pk]), {"title": "x", "parent": HUGE}),
        ("post", reverse("plan_outline_add", args=[plan.pk]), {"title": "x", "position": HUGE}),
        ("get", reverse("plan_outline_move", args=[HUGE]), {}),
        ("post", reverse("plan_outline_move", args=[task.pk]), {"parent": HUGE}),
        ("post", reverse("plan_outline_move", args=[task.pk]), {"position": HUGE}),
        ("post", reverse("plan_outline_up", args=[HUGE]), {}),
        ("get", reverse("plan_outline_delete", args=[HUGE]), {}),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code < 500, (method, url, data)


def test_the_filtered_item_listing_offers_adding_an_item(client, plan, planner, head_a):
    url = reverse("governance_planitem:index") + f"?plan={plan.pk}"
    add = reverse("plan_outline_add", args=[plan.pk])
    client.force_login(planner)
    html = client.get(url).content.decode()
    assert add in html and "添加条目" in html
    client.force_login(head_a)
    assert add not in client.get(url).content.decode()


def test_the_first_item_of_an_empty_plan_is_added_beside_other_plans(plan, planner):
    empty = make_plan([], title="空规划")
    outcome = add_item(empty, user=planner, title="总则", number="一、")
    assert outcome.item.depth == 1 and outcome.item.plan == empty
    add_item(empty, user=planner, title="任务", position=0)
    assert outline_of(empty) == ["一、任务", "二、总则"]
    assert outline_of(plan) == ["一、主要任务", "二、保障措施"]
