"""One staff page: the record with its posts, titles, education and unit history,
training hours by year and certificates; personal data only for HR; leavers hidden from
the staff listing by default."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from staffing.models import (
    Certificate,
    Enrolment,
    ExternalTraining,
    PostAppointment,
    Staff,
    TitleRecord,
    TrainingProgram,
)
from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year


@pytest.fixture
def hr(org):
    return make_user("hr_user", role="hr")


def give_history(person, n=1):
    """``n`` posts, titles, trainings and certificates for ``person``."""
    for i in range(n):
        start = dt.date(2000 + i, 1, 1)
        PostAppointment.objects.create(
            staff=person,
            category="professional",
            grade=12 - i % 5,
            start=start,
            end=None if i == n - 1 else dt.date(2000 + i, 12, 31),
            basis=f"聘文{i}",
        )
        TitleRecord.objects.create(
            staff=person, title=f"馆员{i}", level=3, obtained=start, basis=""
        )
        Certificate.objects.create(
            staff=person, kind=f"阅读推广人{i}", number=f"NO{i}", issued=start
        )
        program = TrainingProgram.objects.create(
            name=f"业务培训{i}",
            kind="routine",
            start=dt.date(THIS_YEAR, 3, 1),
            end=dt.date(THIS_YEAR, 3, 2),
            hours=Decimal(10),
            subject_type="professional",
        )
        Enrolment.objects.create(program=program, staff=person, attended=True)
        row = ExternalTraining(
            staff=person,
            name=f"外部培训{i}",
            date=dt.date(THIS_YEAR, 5, 1),
            hours=Decimal(4),
            subject_type="general",
            certificate_name=f"证书{i}.pdf",
        )
        row.certificate.save("cert.pdf", ContentFile(b"%PDF-1.4 cert"))


@pytest.fixture
def person(org):
    person = make_staff(
        org["a"],
        name="借阅部张三",
        birth_date=dt.date(1985, 3, 12),
        phone="13800001111",
        hire_date=dt.date(2005, 7, 1),
        post_category="professional",
        education=4,
        major="图书馆学",
    )
    give_history(person)
    return person


def shown(html: str) -> str:
    """The text a person reads: no tags, scripts or styles."""
    html = re.sub(r"(?s)<(script|style|template)\b.*?</\1>", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


def page(client, person):
    response = client.get(reverse("staffing_staff:inspect", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_hr_sees_posts_titles_training_certificates_and_personal_data(client, hr, person):
    client.force_login(hr)
    html = page(client, person)
    assert "测试市图书馆 · 借阅部" in html
    for text in ("聘文0", "馆员0", "阅读推广人0", "外部培训0", "图书馆学", "本科", "至今"):
        assert text in html, text
    # training hours by year: 10 professional + 4 general this year, short of 90
    assert "岗位" in html and "职称" in html and "历年培训学时" in html
    assert "14.0" in html and "未达标" in html
    # the certificate through the checked view
    training = ExternalTraining.objects.get(staff=person)
    assert reverse("staffing_certificate_file", args=[training.pk]) in html
    # personal data: HR only
    assert "13800001111" in html and "1985" in html
    text = shown(html)
    assert "None" not in text and "True" not in text and "False" not in text


def test_head_sees_the_page_without_personal_data_or_certificate_links(client, head_a, person):
    client.force_login(head_a)
    html = page(client, person)
    assert "聘文0" in html and "外部培训0" in html
    assert "13800001111" not in html and "1985-03-12" not in html
    assert person.id_number not in html and person.masked_id_number not in html
    training = ExternalTraining.objects.get(staff=person)
    assert reverse("staffing_certificate_file", args=[training.pk]) not in html
    assert "已存档（仅人事和系统管理员可下载）" in html


def test_head_of_another_unit_gets_404(client, head_b, person):
    client.force_login(head_b)
    response = client.get(reverse("staffing_staff:inspect", args=[person.pk]))
    assert response.status_code == 404


def test_empty_fields_show_a_dash(client, hr, org):
    bare = make_staff(org["a"], name="空白者", id_number="")
    client.force_login(hr)
    html = page(client, bare)
    assert "—" in html and "None" not in shown(html)


def test_staff_page_costs_the_same_for_1_and_8_records_of_each_kind(
    client, hr, org, django_assert_max_num_queries
):
    small = make_staff(org["a"], name="少记录", hire_date=dt.date(2000, 1, 1))
    give_history(small, 1)
    large = make_staff(org["a"], name="多记录", hire_date=dt.date(2000, 1, 1))
    give_history(large, 8)
    client.force_login(hr)
    page(client, small)  # warm the per-user caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        page(client, small)
    with django_assert_max_num_queries(len(few)):
        html = page(client, large)
    assert "阅读推广人7" in html


# -- the staff listing: leavers hidden by default ---------------------------------------


@pytest.fixture
def leavers(org):
    return {
        "in_post": make_staff(org["a"], name="在职者"),
        "left": make_staff(
            org["a"], name="离职者", status=Staff.Status.LEFT, status_date=dt.date(2023, 1, 1)
        ),
        "retired": make_staff(
            org["a"], name="退休者", status=Staff.Status.RETIRED, status_date=dt.date(2022, 1, 1)
        ),
    }


def listing(client, **params):
    return client.get(reverse("staffing_staff:index"), params).content.decode()


def test_staff_list_hides_leavers_by_default(client, hr, leavers):
    client.force_login(hr)
    html = listing(client)
    assert "在职者" in html and "离职者" not in html and "退休者" not in html
    at = html.index("在职者")
    row = shown(html[html.rindex("<tr", 0, at) : html.index("</tr>", at)])
    assert "—" in row  # no title, no post: a dash, not a blank


def test_staff_list_shows_leavers_when_asked(client, hr, leavers):
    client.force_login(hr)
    html = listing(client, leavers="include")
    assert "离职/退休人员" in html and "一并显示" in html  # the filter, in Chinese
    assert "在职者" in html and "离职者" in html and "退休者" in html
    html = listing(client, leavers="only")
    assert "在职者" not in html and "离职者" in html and "退休者" in html
    html = listing(client, status="retired")
    assert "退休者" in html and "离职者" not in html and "在职者" not in html
