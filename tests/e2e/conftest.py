"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser)."""

import os

import pytest

from tests.tools import require_tool

CHROMIUM = os.environ.get("SHUXIANG_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session", autouse=True)
def _chromium():
    # Session-scoped and autouse, so it runs before Playwright's browser fixture launches it.
    require_tool(CHROMIUM, "apt-get install chromium, or set SHUXIANG_CHROMIUM")


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    # Playwright's sync API keeps an event loop running in this thread (for the whole
    # session), which makes Django refuse ORM calls from it, the database flush included.
    # Allowed in tests only; never set it in deployment.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}
