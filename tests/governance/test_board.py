"""The board of trustees: trustees from outside the library must be the majority, a meeting
decides only with a quorum, a 三重一大 resolution names the Party organisation's review,
votes adopt by the share its type needs; board papers are read by trustees and the
secretary only; a held meeting and a recorded resolution are locked."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from governance.models import BoardMeeting, BoardPaper, Resolution, Trustee
from governance.services.board import (
    attach_paper,
    publish_resolution,
    record_attendance,
    record_resolution,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 20)
START = dt.date(2024, 1, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def secretary(org):
    return make_user("secretary", role="board_secretary")


def board(internal: int, external: int) -> list[Trustee]:
    people = [
        Trustee(name=f"馆内理事{n}", category="management" if n == 0 else "staff")
        for n in range(internal)
    ] + [
        Trustee(name=f"馆外理事{n}", category=("sponsor", "expert", "users", "public")[n % 4])
        for n in range(external)
    ]  # fmt: skip
    for person in people:
        person.term_start = START
        person.save()
    return people


def meeting(**kw) -> BoardMeeting:
    return BoardMeeting.objects.create(
        title=kw.pop("title", "第一届理事会第三次会议"), date=DAY, agenda="审议年度预算", **kw
    )


def held(trustees, present: int, secretary) -> BoardMeeting:
    return record_attendance(meeting(), trustees[:present], user=secretary)


def resolution(at, **kw) -> Resolution:
    values = {"number": "理事会决议〔2025〕1号", "type": "budget", "title": "2025年度预算",
              "text": "同意。", "party_review": "党委会纪要〔2025〕3号",
              "votes_for": 6}  # fmt: skip
    return Resolution(meeting=at, **{**values, **kw})


def test_a_term_lasts_three_years_unless_given():
    [trustee] = board(0, 1)
    assert trustee.term_end == dt.date(2026, 12, 31)
    assert Trustee.objects.serving(dt.date(2027, 1, 1)).count() == 0


def test_trustees_from_outside_must_be_the_majority(org, secretary):
    trustees = board(5, 4)  # 4 of 9 from outside: not the majority
    assert not Trustee.objects.composition(DAY).external_majority
    at = held(trustees, 9, secretary)
    with pytest.raises(ValidationError, match="馆外理事未过半数"):
        record_resolution(resolution(at, votes_for=9), user=secretary)
    assert not Resolution.objects.exists()
    Trustee.objects.filter(name="馆内理事4").update(left_on=dt.date(2025, 1, 1))
    assert not Trustee.objects.composition(DAY).external_majority  # 4 of 8: not more
    Trustee.objects.filter(name="馆内理事3").update(left_on=dt.date(2025, 1, 1))
    assert Trustee.objects.composition(DAY).external_majority  # 4 of 7


def test_a_meeting_decides_only_with_a_quorum(org, secretary):
    trustees = board(4, 5)  # 9 serving: two thirds is 6
    short = held(trustees, 5, secretary)
    assert (short.present, short.serving, short.quorate) == (5, 9, False)
    with pytest.raises(ValidationError, match="未达到法定人数"):
        record_resolution(resolution(short, votes_for=5), user=secretary)
    enough = record_attendance(
        meeting(title="第一届理事会第四次会议"), trustees[:6], user=secretary
    )
    assert enough.quorate
    adopted = record_resolution(resolution(enough, votes_for=4), user=secretary)
    assert adopted.adopted  # 4 of 6 present: more than half


def test_votes_adopt_by_the_share_the_type_needs(org, secretary):
    trustees = board(4, 5)
    at = held(trustees, 9, secretary)
    half = record_resolution(resolution(at, number="1号", votes_for=4, votes_against=5),
                             user=secretary)  # fmt: skip
    assert half.outcome == "rejected"  # 4 of 9 is not more than half
    charter = resolution(at, number="2号", type="charter", party_review="", votes_for=6,
                         votes_against=3)  # fmt: skip
    charter = record_resolution(charter, user=secretary)
    assert charter.adopted  # 6 of 9: two thirds
    short = resolution(at, number="3号", type="charter", party_review="", votes_for=5,
                       abstentions=4)  # fmt: skip
    short = record_resolution(short, user=secretary)
    assert not short.adopted  # 5 of 9 is less than two thirds
    with pytest.raises(ValidationError, match="超过出席理事"):
        record_resolution(resolution(at, number="4号", votes_for=9, votes_against=1),
                          user=secretary)  # fmt: skip


def test_a_major_matter_needs_the_party_organisations_review(org, secretary):
    at = held(board(4, 5), 9, secretary)
    with pytest.raises(ValidationError) as refused:
        record_resolution(resolution(at, type="plan", party_review=""), user=secretary)
    assert "party_review" in refused.value.message_dict
    assert "党组织前置研究" in refused.value.message_dict["party_review"][0]
    assert not Resolution.objects.exists()


def test_attendance_is_of_those_serving_and_recorded_once(org, secretary, client):
    trustees = board(4, 5)
    former = Trustee.objects.create(name="前任理事", category="expert",
                                    term_start=dt.date(2020, 1, 1))  # fmt: skip
    at = meeting()
    with pytest.raises(ValidationError, match="前任理事"):
        record_attendance(at, [*trustees[:6], former], user=secretary)
    record_attendance(at, trustees[:6], user=secretary)
    with pytest.raises(ValidationError, match="已登记"):
        record_attendance(at, trustees, user=secretary)
    client.force_login(secretary)
    assert client.get(reverse("governance_boardmeeting:edit", args=[at.pk])).status_code in (
        403, 404)  # fmt: skip


def test_the_secretary_records_attendance_and_a_resolution_on_the_screens(client, org, secretary):
    trustees = board(4, 5)
    at = meeting()
    client.force_login(secretary)
    page = client.get(reverse("governance_boardmeeting:inspect", args=[at.pk])).content.decode()
    assert "馆外理事0" in page and "登记会议已召开" in page
    client.post(reverse("board_meeting_attendance", args=[at.pk]),
                {"present": [t.pk for t in trustees[:7]]})  # fmt: skip
    at.refresh_from_db()
    assert (at.state, at.present, at.serving) == ("held", 7, 9)
    add = reverse("governance_resolution:add")
    data = {"meeting": at.pk, "number": "理事会决议〔2025〕2号", "type": "plan",
            "title": "规划调整", "text": "同意调整。", "party_review": "", "votes_for": 7,
            "votes_against": 0, "abstentions": 0}  # fmt: skip
    response = client.post(add, data)
    assert response.status_code == 200 and "党组织前置研究" in response.content.decode()
    assert not Resolution.objects.exists()
    response = client.post(add, {**data, "party_review": "党委会纪要〔2025〕5号"})
    assert response.status_code == 302
    made = Resolution.objects.get()
    assert made.adopted and made.recorded_by == secretary
    client.post(reverse("board_resolution_publish", args=[made.pk]))
    made.refresh_from_db()
    assert made.published_on is not None
    with pytest.raises(NoReverseMatch):  # recorded once, never edited
        reverse("governance_resolution:edit", args=[made.pk])


def test_only_an_adopted_resolution_is_published(org, secretary):
    at = held(board(4, 5), 9, secretary)
    rejected = record_resolution(resolution(at, votes_for=2, votes_against=7), user=secretary)
    with pytest.raises(ValidationError, match="只有通过的决议"):
        publish_resolution(rejected, user=secretary)


def test_board_papers_are_read_by_trustees_and_the_secretary_only(client, org, secretary):
    at = meeting()
    paper = attach_paper(at, SimpleUploadedFile("预算草案.pdf", PDF), title="2025年度预算草案",
                         user=secretary)  # fmt: skip
    url = reverse("board_paper_file", args=[paper.pk])
    inspect = reverse("governance_boardmeeting:inspect", args=[at.pk])
    trustee = make_user("trustee1", role="trustee")
    client.force_login(trustee)
    assert client.get(url).status_code == 200
    assert "2025年度预算草案" in client.get(inspect).content.decode()
    leader = make_user("leader1", role="leadership")
    client.force_login(leader)
    assert client.get(url).status_code == 404
    page = client.get(inspect)
    assert page.status_code == 200 and "2025年度预算草案" not in page.content.decode()
    for role in ("planning", "editor", "finance"):
        client.force_login(make_user(f"{role}1", role=role))
        assert client.get(url).status_code == 404
        assert client.get(inspect).status_code in (403, 404)
    client.logout()
    assert client.get(url).status_code == 404


def test_a_bad_paper_is_refused_and_nothing_kept(client, org, secretary):
    at = meeting()
    client.force_login(secretary)
    fake = SimpleUploadedFile("预算.pdf", b"not a pdf at all")
    response = client.post(reverse("board_meeting_paper", args=[at.pk]),
                           {"title": "预算", "file": fake}, follow=True)  # fmt: skip
    assert "文件已损坏" in response.content.decode()
    assert not BoardPaper.objects.exists()
    trustee = make_user("trustee2", role="trustee")
    client.force_login(trustee)
    good = SimpleUploadedFile("预算.pdf", PDF)
    client.post(reverse("board_meeting_paper", args=[at.pk]), {"title": "预算", "file": good})
    assert not BoardPaper.objects.exists()  # a trustee reads; the secretary adds


@pytest.mark.parametrize(
    ("viewset", "grow"),
    [("governance_trustee", "trustees"), ("governance_boardmeeting", "meetings"),
     ("governance_resolution", "resolutions")],
)  # fmt: skip
def test_the_board_listings_cost_the_same_queries_for_few_and_many_rows(
    client, org, secretary, django_assert_max_num_queries, viewset, grow
):
    trustees = board(4, 5)
    at = held(trustees, 9, secretary)

    def more(n):
        if grow == "trustees":
            board(0, n)
        elif grow == "meetings":
            for i in range(n):
                meeting(title=f"会议{i}")
        else:
            for i in range(n):
                record_resolution(resolution(at, number=f"R{grow}{i}-{n}"), user=secretary)

    more(2)
    client.force_login(secretary)
    url = reverse(f"{viewset}:index")
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    more(30)
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200


def test_a_trustee_finds_the_board_on_the_home_page(client, org, secretary):
    trustees = board(4, 5)
    meeting(title="第一届理事会第五次会议")
    client.force_login(make_user("trustee3", role="trustee"))
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "在任理事 9 人，其中馆外 5 人" in page and "第一届理事会第五次会议" in page
    Trustee.objects.filter(pk=trustees[-1].pk).update(left_on=dt.date(2025, 1, 1))
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "未过半数" in page
