"""The report loop closes: a returned report reaches its head (e-mail, home page), the
report page says why before anyone types, progress starts from last quarter, partners
attach evidence, a period cannot close while reports are unsettled, the planning office
accepts in bulk and chases missing reports (催报), and staff report on their own tasks."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from governance.models import ContributionEvidence, Evidence, Period, PlanItem, ProgressReport
from governance.selectors.reports import returned_reports_for
from governance.services.plan import (
    accept_reports,
    close_period,
    remind_period,
    review_report,
    save_contribution,
    set_responsible,
    submit_report,
)
from tests.factories import Node, fresh, item, make_plan, make_user

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 evidence"


@pytest.fixture
def plan(org, head_a, head_b):
    outline = [
        Node(
            "一、",
            "体系建设",
            [
                Node("（1）", "借阅部任务", style="paren_num"),
                Node("（2）", "少儿部任务", style="paren_num"),
            ],
        )
    ]
    plan = make_plan(outline)
    PlanItem.objects.filter(title="借阅部任务").update(lead_unit=org["a"])
    PlanItem.objects.filter(title="少儿部任务").update(lead_unit=org["b"])
    item(plan, "借阅部任务").partner_units.add(org["b"])
    for head, address in ((head_a, "head_a@lib.example"), (head_b, "head_b@lib.example")):
        head.email = address
        head.save(update_fields=["email"])
    return plan


def period(plan, quarter=1, year=2021):
    return Period.objects.get(plan=plan, year=year, quarter=quarter)


def report(plan, user, *, title="借阅部任务", quarter=1, percent=40, next_steps="", **kwargs):
    return submit_report(
        item(plan, title),
        period(plan, quarter),
        user=user,
        percent=Decimal(percent),
        health="on_track",
        narrative="完成自助借还设备升级",
        next_steps=next_steps,
        **kwargs,
    )


def pdf(name="照片.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


# -- a returned report reaches its head ----------------------------------------------------


def test_returned_report_is_emailed_to_the_head_with_the_comment(plan, head_a, head_b, planner):
    sent = report(plan, head_a)
    mail.outbox.clear()
    review_report(sent, reviewer=planner, accept=False, comment="请补充设备数量")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["head_a@lib.example"]
    assert "请补充设备数量" in message.body
    assert "借阅部任务" in message.subject
    assert f"/admin/plan/items/{sent.item_id}/report/" in message.body


def test_accepting_a_report_emails_nobody(plan, head_a, planner):
    sent = report(plan, head_a)
    mail.outbox.clear()
    review_report(sent, reviewer=planner, accept=True)
    assert mail.outbox == []


def test_head_sees_returned_report_with_comment_until_it_is_sent_again(
    plan, head_a, head_b, planner
):
    sent = report(plan, head_a)
    review_report(sent, reviewer=planner, accept=False, comment="请补充设备数量")
    [returned] = returned_reports_for(fresh(head_a))
    assert returned.pk == sent.pk and returned.review_comment == "请补充设备数量"
    assert list(returned_reports_for(fresh(head_b))) == []
    report(plan, head_a, percent=45)
    assert list(returned_reports_for(fresh(head_a))) == []


def test_returned_reports_cost_the_same_for_1_and_10(
    org, head_a, planner, django_assert_max_num_queries
):
    outline = [Node("一、", "任务", [Node(f"{n}.", f"任务{n}") for n in range(1, 11)])]
    plan = make_plan(outline, title="另一规划")
    PlanItem.objects.filter(plan=plan, depth=2).update(lead_unit=org["a"])
    for leaf in PlanItem.objects.filter(plan=plan, depth=2):
        sent = submit_report(
            leaf,
            period(plan),
            user=head_a,
            percent=Decimal(10),
            health="on_track",
            narrative="进行中",
        )
        review_report(sent, reviewer=planner, accept=False, comment="补充")
    with django_assert_max_num_queries(6):
        rows = [
            (r.item.lead_unit.name, r.period, r.reviewed_by)
            for r in returned_reports_for(fresh(head_a))
        ]
    assert len(rows) == 10


def test_report_page_shows_the_return_comment(client, plan, head_a, planner):
    sent = report(plan, head_a)
    review_report(sent, reviewer=planner, accept=False, comment="请补充设备数量")
    client.force_login(head_a)
    page = client.get(reverse("plan_report_item", args=[sent.item_id])).content.decode()
    assert "规划办退回" in page and "请补充设备数量" in page


# -- the report page says why before anyone types ------------------------------------------


def test_report_page_says_the_report_is_accepted_and_shows_no_form(client, plan, head_a, planner):
    sent = report(plan, head_a)
    review_report(sent, reviewer=planner, accept=True)
    client.force_login(head_a)
    url = reverse("plan_report_item", args=[sent.item_id]) + f"?period={sent.period_id}"
    page = client.get(url).content.decode()
    assert "已通过规划办审核" in page
    assert 'name="narrative"' not in page
    assert reverse("governance_progressreport:inspect", args=[sent.pk]) in page


def test_report_page_says_the_period_is_closed_and_shows_no_form(client, plan, head_a, planner):
    close_period(period(plan), user=planner)
    client.force_login(head_a)
    url = reverse("plan_report_item", args=[item(plan, "借阅部任务").pk])
    page = client.get(url + f"?period={period(plan).pk}").content.decode()
    assert "已关闭" in page
    assert 'name="narrative"' not in page


def test_report_page_opens_on_the_first_quarter_not_yet_accepted(client, plan, head_a, planner):
    review_report(report(plan, head_a), reviewer=planner, accept=True)
    client.force_login(head_a)
    page = client.get(reverse("plan_report_item", args=[item(plan, "借阅部任务").pk]))
    assert page.context["period"] == period(plan, 2)
    assert 'name="narrative"' in page.content.decode()


def test_progress_starts_from_last_quarters_report(client, plan, head_a, planner):
    first = report(plan, head_a, percent=40, next_steps="下季度完成二期")
    review_report(first, reviewer=planner, accept=True)
    client.force_login(head_a)
    url = reverse("plan_report_item", args=[first.item_id]) + f"?period={period(plan, 2).pk}"
    response = client.get(url)
    assert response.context["form"].initial["percent"] == Decimal(40)
    assert response.context["form"].initial["health"] == "on_track"
    page = response.content.decode()
    assert 'value="40.00"' in page
    assert "下季度完成二期" in page and "上次报告" in page


# -- evidence: several files, partners' own ------------------------------------------------


def test_head_attaches_several_evidence_files_to_one_report(client, plan, head_a):
    client.force_login(head_a)
    leaf = item(plan, "借阅部任务")
    response = client.post(
        reverse("plan_report_item", args=[leaf.pk]) + f"?period={period(plan).pk}",
        {
            "period": period(plan).pk,
            "percent": "30",
            "health": "on_track",
            "narrative": "已完成",
            "next_steps": "",
            "evidence": [pdf("一.pdf"), pdf("二.pdf"), pdf("三.pdf")],
            "submit": "1",
        },
    )
    assert response.status_code == 302
    names = sorted(Evidence.objects.filter(report__item=leaf).values_list("name", flat=True))
    assert names == ["一.pdf", "三.pdf", "二.pdf"]


def test_a_bad_file_among_several_saves_nothing(client, plan, head_a):
    client.force_login(head_a)
    leaf = item(plan, "借阅部任务")
    response = client.post(
        reverse("plan_report_item", args=[leaf.pk]),
        {
            "period": period(plan).pk,
            "percent": "30",
            "health": "on_track",
            "narrative": "已完成",
            "evidence": [pdf("一.pdf"), SimpleUploadedFile("病毒.exe", b"MZ")],
        },
    )
    assert response.status_code == 200
    assert "病毒.exe" in response.content.decode()
    assert not ProgressReport.objects.filter(item=leaf).exists()
    assert not Evidence.objects.exists()


def test_partner_attaches_evidence_that_the_lead_unit_downloads(client, plan, head_a, head_b):
    leaf = item(plan, "借阅部任务")
    client.force_login(head_b)
    response = client.post(
        reverse("plan_contribute", args=[leaf.pk]),
        {"period": period(plan).pk, "text": "少儿部配合宣传", "evidence": [pdf("宣传.pdf")]},
    )
    assert response.status_code == 302
    evidence = ContributionEvidence.objects.get()
    assert evidence.contribution.unit.code == "T-B" and evidence.name == "宣传.pdf"
    client.force_login(head_a)
    page = client.get(reverse("plan_report_item", args=[leaf.pk])).content.decode()
    url = reverse("plan_contribution_evidence_file", args=[evidence.pk])
    assert url in page and "少儿部配合宣传" in page
    assert client.get(url).status_code == 200


def test_a_stranger_cannot_download_a_partners_evidence(client, plan, org, head_b):
    contribution = save_contribution(
        item(plan, "借阅部任务"),
        period(plan),
        org["b"],
        user=head_b,
        text="配合",
        evidence_files=[pdf()],
    )
    stranger = make_user("head_a1", role="department_head", units=[org["a1"]])
    client.force_login(stranger)
    evidence = contribution.evidence_files.get()
    url = reverse("plan_contribution_evidence_file", args=[evidence.pk])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


# -- closing a period ----------------------------------------------------------------------


def test_period_cannot_close_while_a_report_is_returned(plan, head_a, planner):
    review_report(report(plan, head_a), reviewer=planner, accept=False, comment="补充")
    with pytest.raises(ValidationError) as refused:
        close_period(period(plan), user=planner)
    assert "借阅部任务" in refused.value.messages[0]
    assert not Period.objects.get(pk=period(plan).pk).is_closed


def test_close_confirmation_lists_waiting_and_returned_reports_and_offers_no_close(
    client, plan, head_a, head_b, planner
):
    review_report(report(plan, head_a), reviewer=planner, accept=False, comment="请补充数据")
    report(plan, head_b, title="少儿部任务")
    client.force_login(planner)
    url = reverse("plan_close_period", args=[period(plan).pk])
    page = client.get(url).content.decode()
    assert "请补充数据" in page and "借阅部任务" in page and "少儿部任务" in page
    assert "关闭该报告期" not in page
    response = client.post(url, follow=True)
    assert "不能关闭" in response.content.decode()
    assert not Period.objects.get(pk=period(plan).pk).is_closed


def test_period_closes_once_every_report_is_settled(plan, head_a, planner):
    sent = report(plan, head_a)
    review_report(sent, reviewer=planner, accept=False, comment="补充")
    review_report(report(plan, head_a, percent=50), reviewer=planner, accept=True)
    assert close_period(period(plan), user=planner).is_closed


# -- bulk accept and the queue -------------------------------------------------------------


def test_planner_accepts_several_reports_at_once_each_with_an_audit_entry(
    client, plan, head_a, head_b, planner
):
    first = report(plan, head_a)
    second = report(plan, head_b, title="少儿部任务")
    client.force_login(planner)
    response = client.post(
        reverse("plan_accept_selected"), {"report": [first.pk, second.pk]}, follow=True
    )
    assert "2 份进度报告已通过" in response.content.decode()
    statuses = set(ProgressReport.objects.values_list("status", flat=True))
    assert statuses == {"accepted"}
    entries = ModelLogEntry.objects.filter(action="shuxiang.report.accept", user=planner)
    assert sorted(int(e.object_id) for e in entries) == sorted([first.pk, second.pk])


def test_bulk_accept_with_a_report_not_waiting_accepts_none(plan, head_a, head_b, planner):
    first = report(plan, head_a)
    second = report(plan, head_b, title="少儿部任务")
    review_report(second, reviewer=planner, accept=False, comment="补充")
    with pytest.raises(ValidationError):
        accept_reports([first, second], reviewer=planner)
    assert ProgressReport.objects.get(pk=first.pk).status == "submitted"


def test_head_cannot_bulk_accept(client, plan, head_a):
    sent = report(plan, head_a)
    client.force_login(head_a)
    response = client.post(reverse("plan_accept_selected"), {"report": [sent.pk]})
    assert response.status_code in (302, 403) and "review" not in response.get("Location", "")
    assert ProgressReport.objects.get(pk=sent.pk).status == "submitted"


def test_queue_shows_last_quarter_next_steps_and_partner_notes(
    client, plan, org, head_a, head_b, planner
):
    review_report(report(plan, head_a, percent=35), reviewer=planner, accept=True)
    report(plan, head_a, quarter=2, percent=60, next_steps="第三季度验收")
    save_contribution(
        item(plan, "借阅部任务"), period(plan, 2), org["b"], user=head_b, text="少儿部协助布展"
    )
    client.force_login(planner)
    page = client.get(reverse("plan_review_queue")).content.decode()
    assert "35.0%" in page and "2021年第1季度" in page
    assert "第三季度验收" in page and "少儿部协助布展" in page


def test_queue_costs_the_same_for_2_and_20_reports(
    client, org, head_a, head_b, planner, django_assert_max_num_queries
):
    def fill(count, title):
        outline = [Node("一、", "任务", [Node(f"{n}.", f"任务{n}") for n in range(1, count + 1)])]
        plan = make_plan(outline, title=title)
        PlanItem.objects.filter(plan=plan, depth=2).update(lead_unit=org["a"])
        for leaf in PlanItem.objects.filter(plan=plan, depth=2):
            leaf.partner_units.add(org["b"])
            submit_report(
                leaf,
                period(plan),
                user=head_a,
                percent=Decimal(10),
                health="on_track",
                narrative="一",
            )
            submit_report(
                leaf,
                period(plan, 2),
                user=head_a,
                percent=Decimal(20),
                health="on_track",
                narrative="二",
            )
            save_contribution(leaf, period(plan, 2), org["b"], user=head_b, text="配合")

    client.force_login(planner)
    fill(2, "小规划")
    with django_assert_max_num_queries(40) as small:
        client.get(reverse("plan_review_queue"))
    fill(20, "大规划")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("plan_review_queue"))


# -- one-click reminder (催报) -------------------------------------------------------------


def test_reminder_emails_the_heads_of_units_still_owing_and_logs_it(
    client, plan, head_a, head_b, planner
):
    report(plan, head_a)
    mail.outbox.clear()
    client.force_login(planner)
    url = reverse("plan_remind_period", args=[period(plan).pk])
    page = client.get(url).content.decode()
    assert "少儿部任务" in page and "借阅部任务" not in page
    response = client.post(url, follow=True)
    assert "已提醒 1 人" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["head_b@lib.example"]]
    assert "少儿部任务" in mail.outbox[0].body
    entry = ModelLogEntry.objects.get(action="shuxiang.period.remind")
    assert entry.user == planner and entry.data["count"] == 1


def test_remind_page_names_the_items_nobody_can_be_reminded_of(client, plan, org, planner):
    PlanItem.objects.filter(title="少儿部任务").update(lead_unit=org["library"])
    client.force_login(planner)
    page = client.get(reverse("plan_remind_period", args=[period(plan).pk])).content.decode()
    assert "无法催报" in page and "少儿部任务" in page
    assert "已全部报送" not in page


def test_head_cannot_send_reminders(client, plan, head_a):
    client.force_login(head_a)
    url = reverse("plan_remind_period", args=[period(plan).pk])
    assert client.post(url).status_code == 404
    assert mail.outbox == []


# -- staff report on tasks given to them ---------------------------------------------------


def test_staff_reports_on_the_task_given_to_them(client, plan, org, staff_a, head_a, planner):
    leaf = item(plan, "借阅部任务")
    url = reverse("plan_report_item", args=[leaf.pk])
    client.force_login(staff_a)
    assert client.get(url).status_code == 404
    set_responsible(leaf, staff_a, user=head_a)
    client.force_login(fresh(staff_a))
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "period": period(plan).pk,
            "percent": "20",
            "health": "at_risk",
            "narrative": "设备到货延迟",
            "evidence": [pdf()],
        },
    )
    assert response.status_code == 302
    sent = ProgressReport.objects.get(item=leaf)
    assert sent.author == staff_a and sent.status == "submitted"
    assert sent.evidence_files.count() == 1
    # Given to someone else: the right goes with the task.
    set_responsible(leaf, None, user=head_a)
    client.force_login(fresh(staff_a))
    assert client.get(url).status_code == 404


def test_staff_cannot_report_on_another_persons_task(client, plan, org, staff_a, head_a):
    other = make_user("staff_a2", role="staff", units=[org["a"]])
    set_responsible(item(plan, "借阅部任务"), other, user=head_a)
    client.force_login(staff_a)
    url = reverse("plan_report_item", args=[item(plan, "借阅部任务").pk])
    assert client.get(url).status_code == 404


def test_reminder_reaches_the_responsible_person_too(plan, org, staff_a, head_a, planner):
    staff_a.email = "staff_a@lib.example"
    staff_a.save(update_fields=["email"])
    set_responsible(item(plan, "借阅部任务"), staff_a, user=head_a)
    mail.outbox.clear()
    assert remind_period(period(plan), user=planner) == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "head_a@lib.example",
        "head_b@lib.example",
        "staff_a@lib.example",
    ]


def test_returned_report_is_emailed_to_its_staff_author(plan, staff_a, head_a, planner):
    staff_a.email = "staff_a@lib.example"
    staff_a.save(update_fields=["email"])
    leaf = item(plan, "借阅部任务")
    set_responsible(leaf, staff_a, user=head_a)
    sent = report(plan, fresh(staff_a))
    mail.outbox.clear()
    review_report(sent, reviewer=planner, accept=False, comment="补充照片")
    assert sorted(m.to[0] for m in mail.outbox) == ["head_a@lib.example", "staff_a@lib.example"]
    assert [r.pk for r in returned_reports_for(fresh(staff_a))] == [sent.pk]


@pytest.mark.parametrize("name", ["plan_close_period", "plan_remind_period"])
def test_close_and_remind_pages_cost_the_same_for_2_and_20_items(
    client, org, head_a, planner, name, django_assert_max_num_queries
):
    def fill(count, title):
        outline = [Node("一、", "任务", [Node(f"{n}.", f"任务{n}") for n in range(1, count + 1)])]
        plan = make_plan(outline, title=title)
        PlanItem.objects.filter(plan=plan, depth=2).update(lead_unit=org["a"], responsible=head_a)
        for n, leaf in enumerate(PlanItem.objects.filter(plan=plan, depth=2)):
            if n % 2:
                sent = submit_report(
                    leaf,
                    period(plan),
                    user=head_a,
                    percent=Decimal(5),
                    health="on_track",
                    narrative="一",
                )
                if n % 4 == 1:
                    review_report(sent, reviewer=planner, accept=False, comment="补充")
        return plan

    client.force_login(planner)
    small = fill(2, "小规划")
    with django_assert_max_num_queries(40) as captured:
        assert client.get(reverse(name, args=[period(small).pk])).status_code == 200
    large = fill(20, "大规划")
    with django_assert_max_num_queries(len(captured.captured_queries)):
        assert client.get(reverse(name, args=[period(large).pk])).status_code == 200
