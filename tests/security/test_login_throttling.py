"""Sign-in throttling: ten wrong passwords lock one user name at one address, with a Chinese
message on the sign-in page; administrators see the lock and lift it."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from governance.access.lockouts import client_ip

PASSWORD = "pw-for-tests-only"
HERE, ELSEWHERE = "10.1.1.1", "10.2.2.2"
LOCKOUTS = reverse("shuxiang_lockouts:index")


def sign_in(client, username, password, address=HERE):
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def signed_in(response):
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def lock(client, username, address=HERE, times=10):
    for _ in range(times):
        response = sign_in(client, username, "wrong password", address)
    return response


def test_nine_wrong_passwords_leave_the_account_open(client, staff_a):
    lock(client, "staff_a", times=9)

    assert signed_in(sign_in(client, "staff_a", PASSWORD))


def test_ten_wrong_passwords_lock_the_account_even_for_the_right_password(client, staff_a):
    response = lock(client, "staff_a")

    assert response.status_code == 429
    response = sign_in(client, "staff_a", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # The back office's own sign-in page, in Chinese, with the lockout as its only error.
    assert "wagtailadmin/login.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "登录失败次数过多" in html and "30 分钟" in html and "管理员解锁" in html
    assert "不匹配" not in html  # not "wrong user name or password"


def test_the_lock_is_for_that_user_at_that_address_only(client, staff_a, head_a):
    lock(client, "staff_a")

    assert signed_in(sign_in(client, "staff_a", PASSWORD, address=ELSEWHERE))
    client.logout()
    assert signed_in(sign_in(client, "head_a", PASSWORD, address=HERE))


def test_the_lock_ends_after_the_cool_off(client, staff_a):
    lock(client, "staff_a")
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31))

    assert signed_in(sign_in(client, "staff_a", PASSWORD))


def test_without_a_cool_off_only_an_administrator_unlocks(client, staff_a, settings):
    settings.AXES_COOLOFF_TIME = None

    html = lock(client, "staff_a").content.decode()

    assert "管理员解锁" in html and "分钟" not in html


def test_an_administrator_sees_the_lock_and_lifts_it(client, staff_a, admin_user):
    lock(client, "staff_a")
    lock(client, "staff_a", address=ELSEWHERE, times=3)  # not locked there: not listed
    client.force_login(admin_user)

    page = client.get(LOCKOUTS)

    assert page.status_code == 200
    html = page.content.decode()
    assert "登录锁定" in html
    assert "staff_a" in html and HERE in html and ELSEWHERE not in html
    assert "解锁" in html and 'name="csrfmiddlewaretoken"' in html

    response = client.post(
        reverse("shuxiang_lockouts:unlock"),
        {"username": "staff_a", "ip_address": HERE},
        follow=True,
    )

    assert response.redirect_chain == [(LOCKOUTS, 302)]
    assert f"staff_a 现在可以从 {HERE} 重新登录。" in response.content.decode()
    assert "目前没有被锁定的登录。" in client.get(LOCKOUTS).content.decode()
    entry = ModelLogEntry.objects.get(action="shuxiang.login.unlock")
    assert entry.object_id == str(staff_a.pk) and entry.user_id == admin_user.pk
    client.logout()
    assert signed_in(sign_in(client, "staff_a", PASSWORD))
    # The failures from elsewhere were that address's own and stay counted.
    assert AccessAttempt.objects.filter(ip_address=ELSEWHERE).exists()


def test_the_lockout_screen_is_in_the_settings_menu_of_administrators_only(
    client, admin_user, head_a, staff_a
):
    lock(client, "staff_a")
    client.force_login(admin_user)
    assert LOCKOUTS in client.get(reverse("wagtailadmin_home")).content.decode()

    client.force_login(head_a)
    assert LOCKOUTS not in client.get(reverse("wagtailadmin_home")).content.decode()
    # Wagtail answers a refusal in the admin by sending the user back to the dashboard.
    assert client.get(LOCKOUTS)["Location"] == reverse("wagtailadmin_home")
    response = client.post(
        reverse("shuxiang_lockouts:unlock"), {"username": "staff_a", "ip_address": HERE}
    )
    assert response["Location"] == reverse("wagtailadmin_home")
    assert AccessAttempt.objects.filter(username="staff_a", ip_address=HERE).exists()


def test_unlock_needs_a_post(client, admin_user):
    client.force_login(admin_user)

    assert client.get(reverse("shuxiang_lockouts:unlock")).status_code == 405


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "127.0.0.1"),  # no proxy: a forged header changes nothing
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client's own entry is ignored
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "", "127.0.0.1"),  # the proxy did not say
        (1, "not-an-address", "127.0.0.1"),
    ],
)
def test_client_address_behind_proxies(rf, settings, proxies, forwarded, expected):
    settings.SHUXIANG_PROXY_COUNT = proxies
    request = rf.post("/admin/login/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="127.0.0.1")

    assert client_ip(request) == expected


def test_the_lockout_screen_costs_the_same_whatever_the_number_of_locks(client, admin_user):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LOCKOUTS).status_code == 200
        return len(captured)

    lock(client, "someone", address="10.9.0.1")
    client.force_login(admin_user)
    one = queries()
    client.logout()
    for n in range(2, 12):
        lock(client, f"someone{n}", address=f"10.9.0.{n}")
    client.force_login(admin_user)

    assert queries() == one
    assert client.get(LOCKOUTS).content.decode().count("解锁</button>") == 11
