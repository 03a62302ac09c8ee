"""Every sign-in address ends on the back office's home page, never on a 404."""

import pytest
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

PASSWORD = "pw-for-tests-only"


@pytest.mark.parametrize(
    "login_url",
    [
        "/admin/login/",  # the back office's sign-in page
        "/_util/login/",  # Wagtail's front-end sign-in view (Django's LoginView)
    ],
)
def test_signing_in_at_any_login_url_lands_on_the_admin_home(client, staff_a, login_url):
    response = client.post(login_url, {"username": "staff_a", "password": PASSWORD}, follow=True)

    assert response.redirect_chain, "the sign-in was refused"
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home") == "/admin/"
    assert response.status_code == 200
    assert response.wsgi_request.user == staff_a


def test_djangos_default_login_address_leads_to_the_admin_sign_in(client, db):
    response = client.get("/accounts/login/?next=/admin/pages/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/pages/"


def test_a_private_page_asks_for_the_admin_sign_in(client, db):
    home = Page.objects.get(depth=2)
    PageViewRestriction.objects.create(page=home, restriction_type=PageViewRestriction.LOGIN)

    response = client.get(home.url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_the_test_clients_login_still_works(client, staff_a):
    assert client.login(username="staff_a", password=PASSWORD)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
