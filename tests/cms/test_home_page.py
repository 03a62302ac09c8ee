"""The public home page at / after the demo data is loaded."""

import pytest
from django.urls import reverse

from demo.loaders import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    load_demo()


def test_home_page_is_chinese_and_names_the_library(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "<h1>抚州市图书馆</h1>" in html
    assert 'name="viewport"' in html  # mobile-friendly
    assert 'href="#main"' in html  # skip link for keyboard and screen-reader users
    assert "服务与信息" in html
    assert "年度报告" in html


def test_public_home_page_needs_no_login_and_shows_no_admin_data(client, demo):
    html = client.get("/").content.decode()
    assert "head1" not in html and "shuxiang-demo" not in html


def test_django_admin_is_not_exposed(client, demo):
    assert client.get("/django-admin/").status_code == 404
    assert client.get("/admin/auth/user/").status_code in (302, 404)


def test_admin_login_page_is_chinese(client, demo):
    html = client.get(reverse("wagtailadmin_login")).content.decode()
    assert 'lang="zh-hans"' in html
    assert "登录" in html
