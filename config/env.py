"""Small typed readers for settings that come from the environment."""

import os
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def email_settings(url: str) -> dict:
    """Django email settings from an EMAIL_URL.

    console:// (print), locmem:// (tests), smtp://user:pass@host:25,
    smtp+tls://…:587 (STARTTLS), smtp+ssl://…:465.
    """
    parsed = urlparse(url)
    scheme = parsed.scheme
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
        "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
    }
    if scheme not in backends:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme {scheme!r} is not one of {', '.join(sorted(backends))}"
        )
    result = {"EMAIL_BACKEND": backends[scheme]}
    if scheme.startswith("smtp"):
        result.update(
            EMAIL_HOST=parsed.hostname or "localhost",
            EMAIL_PORT=parsed.port or {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}[scheme],
            EMAIL_HOST_USER=unquote(parsed.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parsed.password or ""),
            EMAIL_USE_TLS=scheme == "smtp+tls",
            EMAIL_USE_SSL=scheme == "smtp+ssl",
        )
        timeout = parse_qs(parsed.query).get("timeout")
        if timeout:
            result["EMAIL_TIMEOUT"] = int(timeout[0])
    return result


def database_settings(
    url: str, *, conn_max_age: int = 0, conn_health_checks: bool = False, pg_jit: bool = False
) -> dict:
    """Django's DATABASES["default"] from a DATABASE_URL (dj-database-url).

    On PostgreSQL every connection starts with ``jit=off`` unless ``pg_jit``: JIT compiling
    only costs for this app's queries (README, Configuration). Options already in the URL
    (``?options=-c%20search_path%3D…``) are kept.
    """
    import dj_database_url

    database = dj_database_url.parse(
        url, conn_max_age=conn_max_age, conn_health_checks=conn_health_checks
    )
    if database["ENGINE"] == "django.db.backends.postgresql" and not pg_jit:
        options = database.setdefault("OPTIONS", {})
        options["options"] = " ".join(filter(None, [options.get("options", ""), "-c jit=off"]))
    return database


def cache_settings(url: str) -> dict:
    """Django's CACHES from a CACHE_URL.

    locmem:// (default: one copy per process), dummy:// (no cache), redis://host:6379/0 or
    rediss://… (Django's RedisCache, on the pinned ``redis`` package).
    """

    scheme = urlparse(url).scheme
    if scheme == "locmem":
        cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shuxiang"}
    elif scheme == "dummy":
        cache = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    elif scheme in {"redis", "rediss"}:
        cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    else:
        raise ImproperlyConfigured(
            f"CACHE_URL scheme {scheme!r} is not one of dummy, locmem, redis, rediss"
        )
    return {"default": {**cache, "KEY_PREFIX": "shuxiang"}}
