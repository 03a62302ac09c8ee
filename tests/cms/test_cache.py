"""Public pages come from the cache for visitors without a session, and publishing shows at once."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from cms.models import HomePage
from demo.loaders.org import load_home_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.SHUXIANG_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home(db):
    home, _created = load_home_page()
    return home


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password="x")


def retitle_behind_the_cache(page, name):
    """Change the live page's library name without any signal, as if done elsewhere."""
    HomePage.objects.filter(pk=page.pk).update(library_name=name)


def test_second_anonymous_visit_is_served_from_the_cache_without_queries(
    client, home, django_assert_num_queries
):
    first = client.get("/")
    assert first.status_code == 200

    with django_assert_num_queries(0):
        second = client.get("/")

    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Language"] == "zh-hans"  # the outer middleware still run


def test_cached_page_is_what_anonymous_visitors_see_until_a_publish(client, home):
    client.get("/")
    retitle_behind_the_cache(home, "改过的标题")

    assert "改过的标题" not in client.get("/").content.decode()


def test_publishing_a_change_shows_the_new_content_at_once(client, home):
    assert "开馆时间改了" not in client.get("/").content.decode()

    home.opening_hours = "开馆时间改了"
    home.save_revision().publish()

    assert "开馆时间改了" in client.get("/").content.decode()


def test_unpublishing_takes_the_page_off_at_once(client, home):
    assert client.get("/").status_code == 200

    home.unpublish()

    assert client.get("/").status_code == 404


def test_a_signed_in_user_is_never_served_a_cached_page(client, home, editor):
    client.get("/")  # cached for visitors
    retitle_behind_the_cache(home, "只有登录用户看到")

    client.force_login(editor)
    assert "只有登录用户看到" in client.get("/").content.decode()


def test_a_signed_in_users_page_is_never_cached(client, home, editor):
    client.force_login(editor)
    client.get("/")
    retitle_behind_the_cache(home, "访客看到新的")

    client.logout()
    client.cookies.clear()
    assert "访客看到新的" in client.get("/").content.decode()


def test_a_page_made_private_is_no_longer_served_from_the_cache(client, home):
    assert client.get("/").status_code == 200

    restriction = PageViewRestriction.objects.create(
        page=home, restriction_type=PageViewRestriction.LOGIN
    )

    response = client.get("/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    # Nor is the sign-in redirect cached: it goes when the restriction goes.
    restriction.delete()
    assert client.get("/").status_code == 200


def test_the_sign_in_redirect_of_a_private_page_is_never_cached(client, home):
    PageViewRestriction.objects.create(page=home, restriction_type=PageViewRestriction.LOGIN)
    assert client.get("/").status_code == 302

    # Asked again, Wagtail routes the page and checks the restriction: nothing came from
    # the cache.
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 302
    assert len(queries) > 0


def test_a_page_with_a_query_string_is_not_cached(client, home):
    client.get("/?utm=1")
    retitle_behind_the_cache(home, "查询串不缓存")

    assert "查询串不缓存" in client.get("/?utm=1").content.decode()


def test_deleting_a_page_forgets_the_cached_pages(client, home):
    client.get("/")
    retitle_behind_the_cache(home, "删除后")

    # Any page deleted empties the cache (here a draft child that was never public).
    child = Page(title="草稿", slug="draft", live=False)
    home.add_child(instance=child)
    child.delete()

    assert "删除后" in client.get("/").content.decode()


def test_the_admin_sign_in_page_is_never_cached(client, home):
    client.get("/admin/login/")

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/login/").status_code == 200
    assert len(queries) > 0


def test_no_page_is_cached_when_the_page_cache_is_off(client, home, settings):
    settings.SHUXIANG_PAGE_CACHE_SECONDS = 0
    client.get("/")
    retitle_behind_the_cache(home, "不缓存")

    assert "不缓存" in client.get("/").content.decode()


def test_each_language_has_its_own_cached_copy(client, home):
    assert "服务与信息" in client.get("/").content.decode()

    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Services and information" in english
    assert "服务与信息" in client.get("/").content.decode()


def test_head_requests_are_answered_from_the_cache(client, home, django_assert_num_queries):
    client.get("/")

    with django_assert_num_queries(0):
        assert client.head("/").status_code == 200


def test_a_password_protected_page_asking_for_its_password_is_never_cached(client, home):
    PageViewRestriction.objects.create(
        page=home, restriction_type=PageViewRestriction.PASSWORD, password="书香"
    )
    first = client.get("/")
    assert first.status_code == 200  # the password form, marked uncacheable by Wagtail
    assert "password" in first.content.decode()

    client.cookies.clear()
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/")
    assert again.status_code == 200
    assert len(queries) > 0
