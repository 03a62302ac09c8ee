"""Who sees which staff records, and who sees ID numbers and birth dates."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from staffing.validators import validate_id_number
from tests.factories import make_staff, make_user, valid_id_number
from tests.scoped import assert_out_of_scope

pytestmark = pytest.mark.django_db
NS = "staffing_staff"


@pytest.fixture
def people(org, staff_a):
    return {
        "a": make_staff(org["a"], name="借阅部张三", birth_date=dt.date(1985, 3, 12)),
        "a1": make_staff(org["a1"], name="服务点李四"),
        "b": make_staff(org["b"], name="少儿部王五"),
        "self": make_staff(org["a"], name="本人赵六", user=staff_a),
    }


@pytest.fixture
def hr(org):
    return make_user("hr_user", role="hr")


def export_rows(client):
    response = client.get(reverse(f"{NS}:index"), {"export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


def test_head_sees_own_units_staff_without_personal_data(client, people, head_a):
    client.force_login(head_a)
    html = client.get(reverse(f"{NS}:index")).content.decode()
    assert "借阅部张三" in html and "服务点李四" in html and "少儿部王五" not in html
    page = client.get(reverse(f"{NS}:inspect", args=[people["a"].pk])).content.decode()
    assert "借阅部张三" in page
    assert people["a"].id_number not in page and people["a"].masked_id_number not in page
    assert "1985" not in page
    rows = export_rows(client)
    assert "身份证号" not in rows[0] and "出生日期" not in rows[0]
    assert not any(people["a"].id_number in map(str, row) for row in rows)


def test_head_cannot_reach_other_units_staff(client, people, head_b):
    client.force_login(head_b)
    assert_out_of_scope(client, NS, people["a"], marker="借阅部张三")


def test_head_cannot_edit_staff(client, people, head_a):
    client.force_login(head_a)
    assert client.get(reverse(f"{NS}:edit", args=[people["a"].pk])).status_code == 404


def test_staff_sees_only_own_record(client, people, staff_a):
    client.force_login(staff_a)
    html = client.get(reverse(f"{NS}:index")).content.decode()
    assert "本人赵六" in html and "借阅部张三" not in html
    assert client.get(reverse(f"{NS}:inspect", args=[people["self"].pk])).status_code == 200
    assert client.get(reverse(f"{NS}:inspect", args=[people["a"].pk])).status_code == 404


def test_hr_sees_everyone_and_exports_full_id_numbers(client, people, hr):
    client.force_login(hr)
    html = client.get(reverse(f"{NS}:index")).content.decode()
    assert all(p.name in html for p in people.values())
    page = client.get(reverse(f"{NS}:inspect", args=[people["a"].pk])).content.decode()
    assert people["a"].masked_id_number in page and people["a"].id_number not in page
    rows = export_rows(client)
    assert "身份证号" in rows[0]
    assert any(people["a"].id_number in map(str, row) for row in rows)


def test_id_number_check_digit():
    validate_id_number(valid_id_number())
    bad = valid_id_number()[:-1] + ("0" if valid_id_number()[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验码|check digit"):
        validate_id_number(bad)
    with pytest.raises(ValidationError):
        validate_id_number("36100219851332123X")  # month 13


@pytest.mark.parametrize("who", ["hr", "head_a"])
def test_listing_costs_the_same_for_50_and_2000_staff(client, org, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)

    def grow(n):
        from staffing.models import Staff

        start = Staff.objects.count()
        Staff.objects.bulk_create(
            Staff(
                staff_number=f"B{start + i:06d}",
                name=f"批量{i}",
                gender="M",
                employment_type="contract",
                unit=org["a"],
            )
            for i in range(n)
        )

    def queries():
        client.get(reverse(f"{NS}:index"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(f"{NS}:index")).status_code == 200
        return len(captured)

    grow(50)
    few = queries()
    grow(1950)
    assert queries() == few


def _menu_urls(client, user):
    import re

    client.force_login(user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    match = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    return set(re.findall(r'"url": "([^"]+)"', match.group(1)))


def test_staffing_menus_follow_the_role(client, people, staff_a, head_a, hr):
    finance = make_user("fin", role="finance")
    staff_list, compliance = reverse(f"{NS}:index"), reverse("staffing_compliance")
    mine = reverse("staffing_my_training")
    assert not {staff_list, compliance, mine} & _menu_urls(client, finance)
    own = _menu_urls(client, staff_a)
    assert mine in own and staff_list in own and compliance not in own
    assert {staff_list, compliance} <= _menu_urls(client, head_a)
    assert {staff_list, compliance} <= _menu_urls(client, hr)


def test_site_history_is_not_open_to_scoped_roles(client, people, head_a, hr):
    from wagtail.log_actions import log

    log(instance=people["b"], action="wagtail.edit", user=hr)
    client.force_login(head_a)
    for url in ("/admin/reports/site-history/", "/admin/reports/site-history/results/"):
        response = client.get(url)
        assert response.status_code in (302, 403) and "少儿部王五" not in response.content.decode()
    client.force_login(hr)
    assert "少儿部王五" in client.get("/admin/reports/site-history/").content.decode()


def test_head_sees_no_phone_numbers(client, people, head_a):
    from staffing.models import Staff

    Staff.objects.filter(pk=people["a"].pk).update(phone="13907941234")
    client.force_login(head_a)
    page = client.get(reverse(f"{NS}:inspect", args=[people["a"].pk])).content.decode()
    assert "13907941234" not in page
    response = client.get(reverse("staffing_export"))
    sheet = load_workbook(BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert "电话" not in header and "身份证号" not in header


def test_leaving_needs_a_date(people):
    staff = people["a"]
    staff.status = "left"
    with pytest.raises(ValidationError, match="status_date"):
        staff.full_clean()


def test_adding_a_post_in_the_admin_updates_the_record(client, people, hr):
    from staffing.models import PostAppointment

    staff = people["a"]
    PostAppointment.objects.create(
        staff=staff, category="professional", grade=11, start=dt.date(2015, 1, 1)
    )
    client.force_login(hr)
    response = client.post(
        reverse("staffing_postappointment:add"),
        {
            "staff": staff.pk,
            "category": "professional",
            "grade": 9,
            "start": "2024-01-01",
            "end": "",
            "basis": "聘任",
        },
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert (staff.post_category, staff.post_grade) == ("professional", 9)
    old = PostAppointment.objects.get(staff=staff, grade=11)
    assert old.end == dt.date(2023, 12, 31)


def test_structure_refuses_absurd_dates(client, people, hr):
    client.force_login(hr)
    response = client.get(reverse("staffing_structure"), {"as_of": "0010-01-01"})
    assert response.status_code == 200


def test_certificates_are_filed_where_only_hr_may_open_them(
    client, people, hr, head_a, private_root
):
    from django.core.files.base import ContentFile

    from staffing.models import ExternalTraining

    training = ExternalTraining(
        staff=people["a"],
        name="继续教育",
        date=dt.date(2024, 5, 1),
        hours=8,
        subject_type="professional",
        certificate_name="继续教育证书.pdf",
    )
    training.certificate.save("cert.pdf", ContentFile(b"%PDF-1.4 cert"))
    assert (private_root / training.certificate.name).exists()  # not under MEDIA_ROOT
    url = reverse("staffing_certificate_file", args=[training.pk])
    client.force_login(hr)
    assert client.get(url).status_code == 200
    client.force_login(head_a)  # sees the training record, not the scan
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
