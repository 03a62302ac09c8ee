"""The demo's board of trustees: nine trustees, six from outside the library; two meetings
held with a quorum and four resolutions (three published), the next meeting planned with
its draft budget as a paper that the trustee reads and leadership does not. Loading it
again changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from demo.loaders.board import load_board
from demo.loaders.org import load_org_tree, load_users
from governance.models import (
    BoardMeeting,
    BoardPaper,
    Indicator,
    PlanAdjustment,
    PlanVersion,
    Resolution,
    Trustee,
)
from governance.roles import setup_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def counts():
    setup_roles()
    load_org_tree()
    load_users()
    return load_board()


def test_the_demo_board(counts, client):
    assert counts == {"trustees": 9, "resolutions": 5}
    board = Trustee.objects.composition()
    assert (board.serving, board.external, board.external_majority) == (9, 6, True)
    held = BoardMeeting.objects.filter(state="held")
    assert held.count() == 3 and all(m.quorate for m in held)
    assert Resolution.objects.filter(published_on__isnull=False).count() == 4
    assert all(r.adopted for r in Resolution.objects.all())
    paper = BoardPaper.objects.get()
    assert paper.meeting.state == "planned"
    users = get_user_model().objects
    client.force_login(users.get(username="trustee"))
    assert client.get(reverse("board_paper_file", args=[paper.pk])).status_code == 200
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "第二届理事会第五次会议" in home and "抚图理决〔2026〕1号" in home
    client.force_login(users.get(username="leader"))
    assert client.get(reverse("board_paper_file", args=[paper.pk])).status_code == 404
    assert load_board() == {"trustees": 0, "resolutions": 0}


def test_the_demo_plan_was_adjusted_with_the_boards_resolution(client):
    from demo.loaders.plan import load_plan

    setup_roles()
    load_org_tree()
    load_users()
    load_plan()
    load_board()
    adjustment = PlanAdjustment.objects.get()
    assert adjustment.state == "in_force" and adjustment.resolution.number == "抚图理决〔2025〕3号"
    indicator = Indicator.objects.get(code="ZB-04")
    assert indicator.final_target == 180
    first = PlanVersion.objects.get(number=1)
    assert next(t for t in first.targets if t["code"] == "ZB-04")["final"] == "150.00"
