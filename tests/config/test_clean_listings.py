"""Every managed listing and inspect page in clean Chinese: no True/False/None, no login
names, no English admin words (one row of every model, from tests/world.py)."""

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.tools import assert_clean_chinese
from tests.world import BUILDERS

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    # Every viewset of ours is named app_model (the URL walker relies on it too).
    return reverse(f"{model._meta.app_label}_{model._meta.model_name}:{view}", args=args)


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


def test_spreadsheet_exports_have_no_python_values(client, org):
    import re

    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    exported = []
    for model, build in BUILDERS.items():
        build(org["a"], "标记")
        response = client.get(url(model, "index") + "?export=csv")
        if response.status_code != 200 or not hasattr(response, "streaming_content"):
            continue  # this listing offers no export
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert not re.search(r"(?<![A-Za-z])(True|False|None)(?![A-Za-z])", text), (model, text)
        exported.append(model)
    assert len(exported) >= 5, exported  # the staff, plan and training listings export
