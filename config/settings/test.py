"""Tests: fast hashing, tasks run immediately, mail kept in memory."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "django-insecure-shuxiang-tests-only"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
# tests/conftest.py gives every test its own private directory; this is the fallback.
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "private": {
        **STORAGES["private"],  # noqa: F405
        "OPTIONS": {"location": BASE_DIR / "var" / "test-private", "base_url": None},  # noqa: F405
    },
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# django-axes stays on; only the test client's request-less client.login() bypasses it.
AUTHENTICATION_BACKENDS = [
    "tests.security.backends.AxesBackendForTestClient",
    *AUTHENTICATION_BACKENDS[1:],  # noqa: F405
]
# No page cache: tests share one cache but not one database (tests/cms/test_cache.py turns
# it on and empties the cache around each test).
SHUXIANG_PAGE_CACHE_SECONDS = 0
