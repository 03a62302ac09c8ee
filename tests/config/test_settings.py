"""Settings from the environment, and production mode's refusals and deploy checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import cache_settings, database_settings, email_settings, envbool, envlist
from tests.tools import require

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    """Run manage.py in a fresh interpreter with production settings and ``env``."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="library.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("secret", ["", "short", "django-insecure-" + "x" * 60, "ab" * 40], ids=str)
def test_production_refuses_a_weak_secret(secret):
    result = manage("check", SECRET_KEY=secret, ALLOWED_HOSTS="library.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_missing_hosts():
    result = manage("check", SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_refuses_debug():
    result = manage(
        "check", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="x.org", DEBUG="true"
    )
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_envbool_reads_words_and_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert envbool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "off")
    assert envbool("FLAG", True) is False
    monkeypatch.delenv("FLAG")
    assert envbool("FLAG", True) is True
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be a boolean"):
        envbool("FLAG", False)


def test_envlist_splits_and_trims(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.org, b.org ,,")
    assert envlist("HOSTS") == ["a.org", "b.org"]


def test_email_url_smtp_with_tls_and_credentials():
    values = email_settings("smtp+tls://lib%40example.org:p%40ss@mail.example.org:587")
    assert values["EMAIL_HOST"] == "mail.example.org"
    assert values["EMAIL_PORT"] == 587
    assert values["EMAIL_HOST_USER"] == "lib@example.org"
    assert values["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert values["EMAIL_USE_TLS"] and not values["EMAIL_USE_SSL"]


def test_email_url_unknown_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL scheme"):
        email_settings("carrier-pigeon://loft")


def test_sign_in_throttling_and_upload_limits_come_from_the_environment():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME,"
        " s.SHUXIANG_PROXY_COUNT, s.SHUXIANG_XLSX_MAX_ROWS, s.SHUXIANG_XLSX_MAX_UNPACKED_BYTES)",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="library.example.org",
        SHUXIANG_LOGIN_FAILURE_LIMIT="5",
        SHUXIANG_LOGIN_COOLOFF_MINUTES="0",
        SHUXIANG_PROXY_COUNT="1",
        SHUXIANG_XLSX_MAX_ROWS="1000",
        SHUXIANG_XLSX_MAX_UNPACKED_BYTES="1048576",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["5", "None", "1", "1000", "1048576"]


def test_sign_in_throttling_defaults():
    from django.conf import settings

    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[1:] == [
        "django.contrib.auth.backends.ModelBackend",
        "guardian.backends.ObjectPermissionBackend",
    ]


def test_postgresql_connections_run_without_jit_unless_asked():
    database = database_settings("postgres://lib@db.example.org:5432/shuxiang")
    assert database["OPTIONS"]["options"] == "-c jit=off"

    kept = database_settings("postgres://lib@db/shuxiang?options=-c%20search_path%3Dlib")
    assert kept["OPTIONS"]["options"] == "-c search_path=lib -c jit=off"

    server_default = database_settings("postgres://lib@db/shuxiang", pg_jit=True)
    assert "options" not in server_default.get("OPTIONS", {})


def test_sqlite_gets_no_postgresql_options():
    database = database_settings("sqlite:///var/db.sqlite3", conn_max_age=60)
    assert "options" not in database.get("OPTIONS", {})
    assert database["CONN_MAX_AGE"] == 60


@pytest.mark.django_db
def test_the_apps_database_connection_runs_without_jit():
    """PostgreSQL's JIT made the compliance page 3-7x slower and a bulk update endless."""
    from django.db import connection

    if connection.vendor != "postgresql":
        # SQLite has no JIT and would refuse psycopg's connection options.
        assert "options" not in connection.settings_dict["OPTIONS"]
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_cache_is_local_memory_by_default():
    from django.conf import settings

    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert cache_settings("dummy://")["default"]["BACKEND"].endswith("DummyCache")


def test_cache_url_redis_uses_djangos_redis_cache():
    cache = cache_settings("redis://127.0.0.1:6379/1")["default"]

    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/1"


def test_a_redis_cache_url_stores_and_reads_back_through_a_redis_server():
    # Several gunicorn workers share one cache only through Redis: a publish empties it
    # for all of them. The CI machine runs Redis on 127.0.0.1:6379.
    import socket

    from django.core.cache.backends.redis import RedisCache

    with socket.socket() as probe:
        probe.settimeout(1)
        reachable = probe.connect_ex(("127.0.0.1", 6379)) == 0
    require(reachable, "a Redis server on 127.0.0.1:6379", "apt-get install redis-server")
    settings = cache_settings("redis://127.0.0.1:6379/15")["default"]
    cache = RedisCache(settings["LOCATION"], {"KEY_PREFIX": settings["KEY_PREFIX"]})
    cache.set("shuxiang-test", "书香", 30)
    assert cache.get("shuxiang-test") == "书香"
    cache.delete("shuxiang-test")


def test_cache_url_unknown_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL scheme"):
        cache_settings("memcached://127.0.0.1:11211")


def test_production_keeps_database_connections_and_checks_them():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        " print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], s.SHUXIANG_PAGE_CACHE_SECONDS)",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="library.example.org",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["60", "True", "300"]
