"""The home page's staffing panels: HR sees who is short of hours, the post qualifications
about to expire and the last staff import; everyone with a staff record sees their own
hours, and nobody else's."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from staffing.importers.staff import import_staff
from staffing.models import Certificate, ExternalTraining
from staffing.selectors.home import hr_home, own_hours
from tests.factories import fresh, make_staff, make_user
from tests.staffing.test_staff_import import li, xlsx, zhang

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def hr(org):
    return make_user("hr_user", role="hr", first_name="人事专员")


def professional(unit, name, hours, **values):
    person = make_staff(unit, name=name, post_category="professional", **values)
    if hours:
        ExternalTraining.objects.create(
            staff=person,
            name="外出研修",
            date=TODAY.replace(month=1, day=2),
            hours=Decimal(hours),
            subject_type="professional",
        )
    return person


def home_page(client, user):
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_hr_sees_staff_short_of_hours(client, org, hr):
    professional(org["a"], "周学时不足", "30")
    professional(org["b"], "吴学时达标", "95")
    page = home_page(client, hr)
    assert "人事：待您处理" in page
    assert f"{TODAY.year}年继续教育学时未达标 1 人" in page
    assert "在岗专业技术人员共 2 人" in page
    assert "周学时不足" in page
    assert "吴学时达标" not in page
    assert "/admin/staffing/compliance/" in page


def test_hr_sees_certificates_expiring_within_the_setting(client, org, hr, settings):
    settings.SHUXIANG_CERTIFICATE_EXPIRY_DAYS = 30
    person = make_staff(org["a"], name="郑持证")
    soon = TODAY + dt.timedelta(days=20)
    Certificate.objects.create(
        staff=person, kind="阅读推广人", issued=dt.date(2020, 1, 1), expires=soon
    )
    Certificate.objects.create(
        staff=person,
        kind="少儿服务",
        issued=dt.date(2020, 1, 1),
        expires=TODAY + dt.timedelta(days=60),
    )
    page = home_page(client, hr)
    assert "30 天内到期的岗位资格证书 1 份" in page
    assert "阅读推广人" in page
    assert soon.isoformat() in page
    assert "少儿服务" not in page


def test_hr_sees_the_last_staff_import(client, org, hr):
    page = home_page(client, hr)
    assert "尚未导入职工表" in page
    import_staff(xlsx(zhang(), li()), user=hr)
    import_staff(xlsx(zhang(姓名="张三丰")), user=hr)
    page = home_page(client, hr)
    assert "人事专员 导入：新增 0 人，更新 1 人" in page
    assert "hr_user" not in page


def test_an_import_from_the_command_line_says_so(client, org, hr):
    import_staff(xlsx(zhang()), user=None)
    assert "命令行 导入：新增 1 人" in home_page(client, hr)


def test_staff_sees_own_hours_and_not_others(client, org, staff_a):
    professional(org["a"], "本人", "40", user=staff_a)
    professional(org["a"], "同事学时不足", "10")
    page = home_page(client, staff_a)
    assert "我的继续教育" in page
    assert f"{TODAY.year}年已完成 40.0 学时（要求 90 学时）" in page
    assert "同事学时不足" not in page
    assert 'data-testid="hr_todo"' not in page


def test_head_does_not_see_hr_panel(client, org, head_a):
    professional(org["a"], "周学时不足", "30")
    page = home_page(client, head_a)
    assert 'data-testid="hr_todo"' not in page
    assert "周学时不足" not in page


def test_login_without_staff_record_has_no_hours_panel(client, org, head_a):
    assert own_hours(head_a, year=TODAY.year) is None
    assert 'data-testid="my_hours"' not in home_page(client, head_a)


def test_hr_home_costs_the_same_with_many_staff(org, hr, django_assert_max_num_queries):
    def grow(count):
        for n in range(count):
            person = professional(org["a"], f"职工{n}", "10")
            Certificate.objects.create(
                staff=person,
                kind="资格",
                issued=dt.date(2020, 1, 1),
                expires=TODAY + dt.timedelta(days=10),
            )

    grow(3)
    import_staff(xlsx(zhang(), li()), user=hr)
    with CaptureQueriesContext(connection) as few:
        hr_home(fresh(hr), today=TODAY)
    grow(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        home = hr_home(fresh(hr), today=TODAY)
    assert home.short_count == 34  # and 张三 of the import
    assert home.expiring_count == 33


def test_hr_home_page_costs_the_same_with_many_staff(client, org, hr):
    client.force_login(hr)
    for n in range(3):
        professional(org["a"], f"甲{n}", "10")
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/")
    for n in range(30):
        professional(org["b"], f"乙{n}", "10")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/admin/").content.decode()
    assert "未达标 33 人" in page
    assert len(many.captured_queries) <= len(few.captured_queries)
