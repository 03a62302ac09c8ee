"""Who is eligible next year for a post-grade promotion and for the next title: the title
rules as data, the years in the title held, the grades of those years, the year's
continuing-education hours; the reason for everyone who is not."""

import datetime as dt

from django.urls import reverse

from performance.models import Grade, TitleRule
from performance.selectors import eligibility
from performance.services import (
    advance_cycle,
    finalise_cycle,
    open_cycle,
    score_appraisal,
    start_publicity,
)
from staffing.models import Staff, TitleRecord
from tests.factories import make_staff


def titled(unit, name, *, level, since, education=4, category="professional"):
    person = make_staff(
        unit, name=name, hire_date=dt.date(2010, 7, 1), education=education,
        post_category=category, title_level=level,
    )  # fmt: skip
    if level:
        TitleRecord.objects.create(staff=person, title=name, level=level, obtained=since)
    return person


def graded_2025(org, hr, grades: dict):
    cycle = open_cycle(library=org["library"], kind="annual", year=2025, user=hr)
    advance_cycle(cycle, user=hr)
    advance_cycle(cycle, user=hr)
    for appraisal in cycle.appraisals.select_related("staff"):
        grade = grades.get(appraisal.staff.name, Grade.COMPETENT)
        score_appraisal(appraisal, user=hr, proposed_grade=grade)
    advance_cycle(cycle, user=hr)
    start_publicity(cycle, user=hr, start=dt.date(2025, 12, 15))
    finalise_cycle(cycle, user=hr, today=dt.date(2026, 1, 10))


def standing(short=frozenset()):
    rows = eligibility(Staff.objects.order_by("staff_number"), year=2025, short=set(short))
    return {row.name: row for row in rows}


def test_the_rules_are_data_and_decide_the_next_title(org, hr):
    assert TitleRule.objects.filter(level=4).exists()  # loaded with the app
    titled(org["a"], "馆员六年", level=3, since=dt.date(2019, 9, 1))
    titled(org["a"], "助理两年", level=2, since=dt.date(2023, 9, 1))
    titled(org["a"], "高中馆员", level=3, since=dt.date(2010, 9, 1), education=2)
    graded_2025(org, hr, {})
    rows = standing()
    assert (
        rows["馆员六年"].title_ok and rows["馆员六年"].next_title.startswith("Associate") is False
    )
    assert not rows["助理两年"].title_ok
    assert "2" in rows["助理两年"].title_reasons[0] and "4" in rows["助理两年"].title_reasons[0]
    assert not rows["高中馆员"].title_ok  # 副研究馆员 asks at least a bachelor's
    TitleRule.objects.create(level=4, min_education=2, from_level=3, years=10, note="省定")
    assert standing()["高中馆员"].title_ok  # the province's rule, added as data


def test_a_basically_competent_year_blocks_the_promotion_and_the_title(org, hr):
    titled(org["a"], "馆员六年", level=3, since=dt.date(2019, 9, 1))
    graded_2025(org, hr, {"馆员六年": Grade.BASIC})
    row = standing()["馆员六年"]
    assert not row.promotion_ok and not row.title_ok
    assert "基本合格" in row.promotion_reasons[0] and "基本合格" in row.title_reasons[0]


def test_short_hours_and_a_non_professional_post_are_reasons(org, hr):
    short = titled(org["a"], "学时不足", level=3, since=dt.date(2019, 9, 1))
    titled(org["a"], "管理岗", level=None, since=None, category="management")
    graded_2025(org, hr, {})
    rows = standing(short={short.pk})
    assert not rows["学时不足"].title_ok and "继续教育" in rows["学时不足"].title_reasons[-1]
    assert rows["学时不足"].promotion_ok
    assert not rows["管理岗"].title_ok and "专业技术岗位" in rows["管理岗"].title_reasons[0]


def test_the_report_is_hrs(client, org, hr, head_a):
    titled(org["a"], "馆员六年", level=3, since=dt.date(2019, 9, 1))
    graded_2025(org, hr, {})
    client.force_login(head_a)
    assert client.get(reverse("performance_eligibility")).url == reverse("wagtailadmin_home")
    client.force_login(hr)
    page = client.get(reverse("performance_eligibility"), {"year": 2025}).content.decode()
    assert "馆员六年" in page and "2025 年继续教育学时未达标" in page  # no training recorded
