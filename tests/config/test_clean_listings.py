"""Every managed listing and inspect page in clean Chinese: no True/False/None, no login
names, no English admin words (one row of every model, from tests/world.py)."""

import pytest
from django.urls import NoReverseMatch, reverse

from tests.factories import make_user
from tests.tools import assert_clean_chinese
from tests.world import BUILDERS

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    name = f"{model._meta.app_label}_{model._meta.model_name}:{view}"
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        pytest.skip(f"{name} has no URL")


@pytest.mark.parametrize("model", list(BUILDERS), ids=lambda m: m._meta.label)
def test_listing_and_inspect_page_are_clean_chinese(client, org, model):
    row = BUILDERS[model](org["a"], "标记")
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    response = client.get(url(model, "index"))
    assert response.status_code == 200
    assert_clean_chinese(response.content.decode())
    response = client.get(url(model, "inspect", row.pk))
    assert response.status_code == 200
    assert_clean_chinese(response.content.decode())


@pytest.mark.parametrize("model", list(BUILDERS), ids=lambda m: m._meta.label)
def test_spreadsheet_export_has_no_python_values(client, org, model):
    import re

    BUILDERS[model](org["a"], "标记")
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    response = client.get(url(model, "index") + "?export=csv")
    if response.status_code != 200 or not hasattr(response, "streaming_content"):
        pytest.skip("no export")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert not re.search(r"(?<![A-Za-z])(True|False|None)(?![A-Za-z])", text), text
