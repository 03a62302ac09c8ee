"""Continuing-education hours: the yearly rule, the compliance listing and its export,
"my training" and the training record PDF, and who may see which."""

import datetime as dt
import subprocess
from decimal import Decimal
from fractions import Fraction
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from staffing.models import Enrolment, ExternalTraining, Staff, TrainingProgram
from staffing.selectors.compliance import Requirement, assess, compliance_listing
from tests.factories import make_staff, make_user
from tests.tools import require_poppler

pytestmark = pytest.mark.django_db
YEAR = 2024
LISTING = "staffing_compliance"


def program(hours, subject="professional", *, end=dt.date(YEAR, 6, 30), start=None, name=None):
    return TrainingProgram.objects.create(
        name=name or f"培训{hours}{subject}{end}",
        kind="continuing",
        start=start or end,
        end=end,
        hours=Decimal(str(hours)),
        subject_type=subject,
    )


def attend(staff, hours, subject="professional", *, attended=True, credited=None, **dates):
    return Enrolment.objects.create(
        program=program(hours, subject, **dates),
        staff=staff,
        attended=attended,
        hours=None if credited is None else Decimal(str(credited)),
    )


def external(staff, hours, subject="professional", *, date=dt.date(YEAR, 5, 1), name="外出研修"):
    return ExternalTraining.objects.create(
        staff=staff, name=name, date=date, hours=Decimal(str(hours)), subject_type=subject
    )


def professional(unit, name, **values):
    return make_staff(unit, name=name, post_category="professional", **values)


def with_hours(unit, name, professional_hours, general_hours):
    person = professional(unit, name)
    if professional_hours:
        external(person, professional_hours, "professional")
    if general_hours:
        external(person, general_hours, "general")
    return person


def listing(client, **params):
    response = client.get(reverse(LISTING), {"year": YEAR, **params})
    assert response.status_code == 200
    return response


def listed(client, **params):
    return {person.name: c for person, c in listing(client, **params).context["rows"]}


def pdf_text(pdf, tmp_path):
    require_poppler("pdftotext")
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout


@pytest.fixture
def hr(org):
    return make_user("hr_user", role="hr")


# -- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prof", "general", "hours_short", "prof_short", "short"),
    [
        ("89", "0", "1.0", "0", True),  # under the minimum, share fine
        ("59", "31", "0.0", "1.0", True),  # 90 h, needs 60 professional
        ("60", "30", "0.0", "0", False),  # exactly on both thresholds
        ("60", "31", "0.0", "0.67", True),  # 2/3 of 91 is 60.666…, so 60 is short
        ("60.7", "30.3", "0.0", "0", False),  # 60.7 ≥ 60.666…
    ],
)
def test_rule_at_the_boundaries(settings, prof, general, hours_short, prof_short, short):
    settings.SHUXIANG_CE_MIN_HOURS = 90
    settings.SHUXIANG_CE_MIN_PROFESSIONAL_SHARE = "2/3"
    c = assess(Decimal(prof), Decimal(general))
    assert c.hours_short == Decimal(hours_short)
    assert c.professional_short == Decimal(prof_short)
    assert c.is_short is short


def test_professional_need_is_rounded_up_not_down():
    c = assess(Decimal("60"), Decimal("31"))
    assert c.professional_required == Decimal("60.67")
    assert c.professional_share_percent == Decimal("65.9")


def test_requirement_follows_the_settings(settings):
    settings.SHUXIANG_CE_MIN_HOURS = 72
    settings.SHUXIANG_CE_MIN_PROFESSIONAL_SHARE = "1/2"
    requirement = Requirement.from_settings()
    assert (requirement.min_hours, requirement.professional_share) == (
        Decimal("72"),
        Fraction(1, 2),
    )
    assert not assess(Decimal("36"), Decimal("36")).is_short
    assert assess(Decimal("35.9"), Decimal("36.1")).is_short


def test_listing_flags_the_same_people_as_the_rule(client, org, hr):
    """The "only those short" filter is SQL; it must agree with the rule at each boundary."""
    with_hours(org["a"], "差一学时", 89, 0)
    with_hours(org["a"], "专业差一", 59, 31)
    with_hours(org["a"], "刚好达标", 60, 30)
    with_hours(org["a"], "九十一差", 60, 31)
    # Tenths whose float sum (as SQLite adds decimals) falls just below 90.0.
    person = professional(org["a"], "小数达标")
    for hours in ("86.8", "2.6", "0.6"):
        external(person, hours)
    client.force_login(hr)
    everyone = listed(client)
    assert everyone["差一学时"].hours_short == Decimal("1.0")
    assert everyone["专业差一"].professional_short == Decimal("1.0")
    assert everyone["九十一差"].professional_short == Decimal("0.67")
    assert everyone["小数达标"].total == Decimal("90.0")
    assert not everyone["小数达标"].is_short
    assert set(listed(client, short="1")) == {"差一学时", "专业差一", "九十一差"}


# -- what counts ---------------------------------------------------------------------------


def test_program_hours_count_only_when_attended_and_override_wins(org, hr):
    person = professional(org["a"], "张三")
    attend(person, 40)  # attended, program's hours
    attend(person, 30, credited="12.5")  # attended, fewer hours credited
    attend(person, 50, attended=False)  # enrolled, did not attend
    attend(person, 20, "general")
    (row,) = compliance_listing(hr, year=YEAR)
    assert (row.professional_hours, row.general_hours) == (Decimal("52.5"), Decimal("20.0"))


def test_program_counts_in_the_year_it_ends(org, hr):
    person = professional(org["a"], "张三")
    attend(person, 16, start=dt.date(YEAR - 1, 12, 20), end=dt.date(YEAR, 1, 5))
    attend(person, 8, start=dt.date(YEAR, 12, 28), end=dt.date(YEAR + 1, 1, 3))
    (row,) = compliance_listing(hr, year=YEAR)
    assert row.total_hours == Decimal("16")


def test_external_training_counts_in_the_year_of_its_date(org, hr):
    person = professional(org["a"], "张三")
    external(person, 10, date=dt.date(YEAR - 1, 12, 31))
    external(person, 6, "general", date=dt.date(YEAR, 1, 1))
    external(person, 4, date=dt.date(YEAR, 12, 31))
    (row,) = compliance_listing(hr, year=YEAR)
    assert (row.professional_hours, row.general_hours) == (Decimal("4"), Decimal("6"))
    (last_year,) = compliance_listing(hr, year=YEAR - 1)
    assert last_year.professional_hours == Decimal("10")


def test_only_professional_technical_staff_in_post_are_listed(client, org, hr):
    professional(org["a"], "专技人员")
    make_staff(org["a"], name="管理人员", post_category="management")
    make_staff(org["a"], name="工勤人员", post_category="worker")
    professional(org["a"], "已退休", status="retired")
    client.force_login(hr)
    assert set(listed(client)) == {"专技人员"}


def test_listing_filters_by_unit_and_year(client, org, hr):
    a = with_hours(org["a"], "借阅部甲", 90, 0)
    with_hours(org["a1"], "服务点乙", 90, 0)
    with_hours(org["b"], "少儿部丙", 90, 0)
    external(a, 5, date=dt.date(YEAR - 1, 3, 1))
    client.force_login(hr)
    assert set(listed(client, unit=org["a"].pk)) == {"借阅部甲", "服务点乙"}
    assert listed(client, year=YEAR - 1)["借阅部甲"].total == Decimal("5.0")


# -- who sees what -------------------------------------------------------------------------


@pytest.fixture
def people(org, staff_a):
    return {
        "a": with_hours(org["a"], "借阅部张三", 80, 0),
        "a1": with_hours(org["a1"], "服务点李四", 90, 0),
        "b": with_hours(org["b"], "少儿部王五", 70, 0),
        "self": professional(org["a"], "本人赵六", user=staff_a),
    }


def test_head_sees_only_own_units_staff(client, people, head_a):
    client.force_login(head_a)
    assert set(listed(client)) == {"借阅部张三", "服务点李四", "本人赵六"}
    export = client.get(reverse(LISTING), {"year": YEAR, "export": "xlsx"})
    sheet = load_workbook(BytesIO(export.content)).active
    assert "少儿部王五" not in {c.value for row in sheet.iter_rows() for c in row}


def test_head_cannot_open_other_units_record_pdf(client, people, head_b):
    client.force_login(head_b)
    url = reverse("staffing_training_record_pdf", args=[people["a"].pk])
    assert client.get(url, {"year": YEAR}).status_code == 404
    own = reverse("staffing_training_record_pdf", args=[people["b"].pk])
    assert client.get(own, {"year": YEAR}).status_code == 200


def test_staff_sees_only_own_training(client, people, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("staffing_my_training"), {"year": YEAR})
    assert page.status_code == 200 and page.context["staff"] == people["self"]
    assert "本人赵六" in page.content.decode()
    other = reverse("staffing_staff_training", args=[people["a"].pk])
    assert client.get(other).status_code == 404
    pdf = reverse("staffing_training_record_pdf", args=[people["a"].pk])
    assert client.get(pdf).status_code == 404
    assert set(listed(client)) == {"本人赵六"}


def test_hr_opens_anyones_training_page(client, people, hr):
    client.force_login(hr)
    url = reverse("staffing_staff_training", args=[people["b"].pk])
    response = client.get(url, {"year": YEAR})
    assert response.status_code == 200
    assert response.context["training"].compliance.total == Decimal("70.0")


def test_users_who_see_no_staff_are_refused(client, org):
    client.force_login(make_user("finance_user", role="finance"))
    response = client.get(reverse(LISTING))
    assert response.status_code in (302, 403)
    assert "本人" not in response.content.decode()


def test_my_training_without_a_staff_record_says_so(client, org, hr):
    client.force_login(hr)
    response = client.get(reverse("staffing_my_training"))
    assert response.status_code == 200 and response.context["staff"] is None


# -- the person's page and PDF -------------------------------------------------------------


def test_my_training_lists_records_and_hours_of_the_year(client, org, staff_a):
    me = professional(org["a"], "本人赵六", user=staff_a)
    attend(me, 40, name="古籍修复研修班")
    attend(me, 30, name="缺席的培训", attended=False)
    external(me, "20.5", "general", name="公需科目网络课程")
    external(me, 8, name="去年的研修", date=dt.date(YEAR - 1, 5, 1))
    client.force_login(staff_a)
    response = client.get(reverse("staffing_my_training"), {"year": YEAR})
    html = response.content.decode()
    assert "古籍修复研修班" in html and "公需科目网络课程" in html
    assert "缺席的培训" not in html and "去年的研修" not in html
    c = response.context["training"].compliance
    assert (c.total, c.professional, c.hours_short) == (
        Decimal("60.5"),
        Decimal("40.0"),
        Decimal("29.5"),
    )


def test_record_pdf_shows_training_and_totals_but_no_personal_data(client, org, hr, tmp_path):
    person = professional(org["a"], "借阅部张三", title="馆员", birth_date=dt.date(1985, 3, 12))
    attend(person, 40, name="古籍修复研修班")
    external(person, "20.5", "general", name="公需科目网络课程")
    client.force_login(hr)
    url = reverse("staffing_training_record_pdf", args=[person.pk])
    response = client.get(url, {"year": YEAR})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    for expected in ("借阅部张三", "借阅部", "馆员", "古籍修复研修班", "公需科目网络课程", "60.5"):
        assert expected in text, expected
    assert person.id_number not in text and "1985" not in text


def test_record_pdf_covers_a_range_of_years(client, org, hr, tmp_path):
    person = professional(org["a"], "借阅部张三")
    external(person, 12, name="前年的研修", date=dt.date(YEAR - 2, 5, 1))
    external(person, 34, name="今年的研修")
    client.force_login(hr)
    url = reverse("staffing_training_record_pdf", args=[person.pk])
    text = pdf_text(client.get(url, {"year": f"{YEAR - 2}-{YEAR}"}).content, tmp_path)
    assert "前年的研修" in text and "今年的研修" in text and str(YEAR - 1) in text


# -- export and cost -----------------------------------------------------------------------


def test_export_has_chinese_headers_and_the_figures(client, org, hr):
    with_hours(org["a"], "借阅部张三", 60, 31)
    with_hours(org["b"], "少儿部王五", 90, 0)
    client.force_login(hr)
    response = client.get(reverse(LISTING), {"year": YEAR, "short": "1", "export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    header, *data = rows
    assert {"工号", "所在单位", "职称", "年度"} <= set(header)
    (row,) = data
    assert row[1] == "借阅部张三" and row[4] == YEAR
    assert row[5] == 91 and row[6] == 60  # total, professional
    assert row[11] == pytest.approx(0.67)  # professional hours short


def test_a_long_export_is_prepared_in_the_background_with_the_same_rows(
    client, org, hr, settings, django_capture_on_commit_callbacks
):
    from governance.models import DocumentJob

    with_hours(org["a"], "借阅部张三", 60, 31)
    with_hours(org["a"], "借阅部李四", 10, 0)
    with_hours(org["b"], "少儿部王五", 90, 0)
    settings.SHUXIANG_BACKGROUND_ROWS = 1
    client.force_login(hr)
    params = {"year": YEAR, "short": "1", "unit": org["a"].pk, "export": "xlsx"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse(LISTING), params)
    assert response.status_code == 302
    job = DocumentJob.objects.get()
    assert job.status == DocumentJob.Status.READY and job.total == 2
    data = b"".join(client.get(reverse("shuxiang_document_download", args=[job.pk])))
    header, *rows = load_workbook(BytesIO(data)).active.iter_rows(values_only=True)
    assert sorted(row[1] for row in rows) == ["借阅部张三", "借阅部李四"]


def test_listing_costs_the_same_for_50_and_2000_staff(client, org, hr):
    def grow(n):
        start = Staff.objects.count()
        Staff.objects.bulk_create(
            Staff(
                staff_number=f"B{start + i:06d}",
                name=f"批量{start + i}",
                gender="M",
                employment_type="contract",
                post_category="professional",
                unit=org["a"] if i % 2 else org["b"],
            )
            for i in range(n)
        )
        for person in Staff.objects.order_by("-pk")[:3]:
            external(person, 30)
            attend(person, 20, "general")

    def queries(**params):
        client.get(reverse(LISTING), {"year": YEAR, **params})  # warm the per-process caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(LISTING), {"year": YEAR, **params}).status_code == 200
        return len(captured)

    client.force_login(hr)
    grow(50)
    few, few_short = queries(), queries(short="1")
    grow(1950)
    assert queries() == few
    assert queries(short="1") == few_short
