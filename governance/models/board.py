"""The board of trustees (理事会, domain-rules.md §7): its trustees with their terms, its
meetings with their papers and attendance, and the resolutions they adopt.

Trustees from outside the library must be the majority of those serving; a meeting acts
only with a quorum of the serving trustees present; a resolution of a type the Party
organisation reviews first (三重一大) names that review, and is adopted by a share of those
present. The shares and types are settings (charters differ). Board papers are private:
trustees and the board's secretary see them; the public sees a resolution only once it is
published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import ScopedQuerySet
from .evidence import EvidenceFile


def share_setting(name: str, key: str | None = None) -> tuple[str, Fraction]:
    """A share from the settings, ">1/2" (more than half, 过半数) or ">=2/3" (two thirds or
    more, 三分之二以上): its comparison and fraction, checked to lie in (0, 1]."""
    value = str(getattr(settings, name) if key is None else getattr(settings, name)[key])
    strict = not value.startswith(">=")
    share = Fraction(value.lstrip(">="))
    if not 0 < share <= 1:
        raise ValueError(f"{name} must lie between 0 and 1")
    return (">" if strict else ">="), share


def reaches(count: int, of: int, rule: tuple[str, Fraction]) -> bool:
    """Does ``count`` of ``of`` reach the share ``rule``?"""
    if of <= 0:
        return False
    comparison, share = rule
    ratio = Fraction(count, of)
    return ratio > share if comparison == ">" else ratio >= share


def majority_rule(resolution_type: str) -> tuple[str, Fraction]:
    rules = settings.SHUXIANG_BOARD_MAJORITY
    key = resolution_type if resolution_type in rules else "default"
    return share_setting("SHUXIANG_BOARD_MAJORITY", key)


class TrusteeQuerySet(ScopedQuerySet):
    def serving(self, on: dt.date | None = None):
        """The trustees in office on ``on`` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(term_start__lte=on, term_end__gte=on).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=on)
        )

    def composition(self, on: dt.date | None = None) -> Composition:
        """How many serve on ``on``, and how many of them from inside the library."""
        counts = self.serving(on).aggregate(
            serving=models.Count("pk"),
            internal=models.Count("pk", filter=Q(category__in=Trustee.INTERNAL)),
        )
        return Composition(counts["serving"], counts["internal"])


@dataclass(frozen=True)
class Composition:
    serving: int
    internal: int

    @property
    def external(self) -> int:
        return self.serving - self.internal

    @property
    def external_majority(self) -> bool:
        """Trustees from outside the library are more than half of those serving."""
        return self.external * 2 > self.serving


class Trustee(models.Model):
    """A member of the board for one term (a second term is a new row)."""

    class Category(models.TextChoices):
        SPONSOR = "sponsor", _("Sponsoring body")  # 举办单位
        MANAGEMENT = "management", _("Library management")  # 馆方管理层
        STAFF = "staff", _("Staff representative")  # 职工代表
        USERS = "users", _("Service users and readers")  # 服务对象/读者
        EXPERT = "expert", _("Professional")  # 专业人士
        PUBLIC = "public", _("Member of the public")  # 社会人士

    # From inside the library: the others must be the majority.
    INTERNAL = frozenset({Category.MANAGEMENT, Category.STAFF})

    class Office(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        MEMBER = "member", _("Trustee")

    name = models.CharField(_("name"), max_length=50)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    office = models.CharField(
        _("office"), max_length=12, choices=Office.choices, default=Office.MEMBER
    )
    organisation = models.CharField(_("organisation and post"), max_length=200, blank=True)
    appointed_by = models.CharField(_("appointed by"), max_length=100, blank=True)
    appointment_ref = models.CharField(_("appointment document"), max_length=100, blank=True)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(
        _("term ends"), blank=True, help_text=_("Left empty: the term's usual length.")
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = TrusteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("trustee")
        verbose_name_plural = _("trustees")
        ordering = [
            "-term_start",
            models.Case(
                models.When(office="chair", then=0),
                models.When(office="vice_chair", then=1),
                default=2,
            ),
            "name",
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gt=models.F("term_start")),
                name="trustee_term_ends_after_it_starts",
                violation_error_message=_("A term ends after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.fill_term()
        super().save(*args, **kwargs)

    def fill_term(self) -> None:
        """A term left open lasts ``SHUXIANG_BOARD_TERM_YEARS`` (to the day before)."""
        if self.term_start and not self.term_end:
            years = settings.SHUXIANG_BOARD_TERM_YEARS
            try:
                end = self.term_start.replace(year=self.term_start.year + years)
            except ValueError:  # 29 February
                end = self.term_start.replace(year=self.term_start.year + years, day=28)
            self.term_end = end - dt.timedelta(days=1)

    def clean(self):
        self.fill_term()


class BoardMeeting(models.Model):
    """A meeting of the board: its agenda, papers and who attended."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    title = models.CharField(_("title"), max_length=100, help_text=_("e.g. 第二届理事会第三次会议"))
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    agenda = models.TextField(_("agenda"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PLANNED, editable=False
    )
    serving = models.PositiveSmallIntegerField(_("trustees serving"), default=0, editable=False)
    present = models.PositiveSmallIntegerField(_("trustees present"), default=0, editable=False)
    attendees = models.ManyToManyField(
        Trustee, blank=True, related_name="meetings", verbose_name=_("present"), editable=False
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("board meeting")
        verbose_name_plural = _("board meetings")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.title}（{self.date:%Y-%m-%d}）"

    @property
    def quorate(self) -> bool:
        """Were enough of the serving trustees present (as recorded when it was held)?"""
        if self.state != self.State.HELD:
            return False
        return reaches(self.present, self.serving, share_setting("SHUXIANG_BOARD_QUORUM"))


class BoardPaper(EvidenceFile):
    """A paper for a meeting (the draft plan adjustment, the budget, the annual report):
    private storage, read by trustees and the secretary only."""

    meeting = models.ForeignKey(
        BoardMeeting, on_delete=models.PROTECT, related_name="papers", verbose_name=_("meeting")
    )
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("board paper")
        verbose_name_plural = _("board papers")
        ordering = ["meeting", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Resolution(models.Model):
    """What the board decided at a meeting, with the votes; published once it may be."""

    class Type(models.TextChoices):
        PLAN = "plan", _("Development plan")  # 规划
        BUDGET = "budget", _("Budget")  # 预算
        FINAL_ACCOUNTS = "final_accounts", _("Final accounts")  # 决算
        MAJOR_BUSINESS = "major_business", _("Major business")  # 重大业务
        CHARTER = "charter", _("Charter")  # 章程
        ANNUAL_REPORT = "annual_report", _("Annual report")  # 年度报告

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        REJECTED = "rejected", _("Not adopted")

    meeting = models.ForeignKey(
        BoardMeeting,
        on_delete=models.PROTECT,
        related_name="resolutions",
        verbose_name=_("meeting"),
    )
    number = models.CharField(_("number"), max_length=50, unique=True)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    party_review = models.CharField(
        _("Party organisation's prior review"),
        max_length=100,
        blank=True,
        help_text=_("The minutes of the Party committee's meeting that reviewed it first."),
    )
    votes_for = models.PositiveSmallIntegerField(_("for"))
    votes_against = models.PositiveSmallIntegerField(_("against"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, editable=False)
    published_on = models.DateField(_("published on"), null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("recorded by"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["-meeting__date", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        present = self.meeting.present if self.meeting_id else 0
        rule = majority_rule(self.type)
        self.outcome = self.Outcome.ADOPTED if reaches(self.votes_for, present, rule) else (
            self.Outcome.REJECTED)  # fmt: skip
        super().save(*args, **kwargs)

    def clean(self):
        """A resolution is taken at a meeting held with a quorum, by a board whose trustees
        from outside the library are the majority, after the Party organisation's review
        where its type needs one; no more votes than trustees present."""
        errors = {}
        if self.type in settings.SHUXIANG_BOARD_PARTY_REVIEW_TYPES and not self.party_review:
            errors["party_review"] = _(
                "A resolution on this matter needs the Party organisation's prior review."
            )
        meeting = self.meeting if self.meeting_id else None
        if meeting is not None:
            errors.update(self._meeting_errors(meeting))
        if errors:
            raise ValidationError(errors)

    def _meeting_errors(self, meeting: BoardMeeting) -> dict:
        if meeting.state != BoardMeeting.State.HELD:
            return {"meeting": _("Record who attended the meeting first.")}
        if not meeting.quorate:
            return {"meeting": _(
                "Only %(present)s of the %(serving)s serving trustees were present: the "
                "meeting had no quorum."
            ) % {"present": meeting.present, "serving": meeting.serving}}  # fmt: skip
        board = Trustee.objects.composition(meeting.date)
        if not board.external_majority:
            return {"meeting": _(
                "On the day of the meeting the trustees from outside the library were not "
                "the majority (%(external)s of %(serving)s)."
            ) % {"external": board.external, "serving": board.serving}}  # fmt: skip
        votes = (self.votes_for or 0) + (self.votes_against or 0) + (self.abstentions or 0)
        if votes > meeting.present:
            return {"votes_for": _(
                "%(votes)s votes, but %(present)s trustees were present."
            ) % {"votes": votes, "present": meeting.present}}  # fmt: skip
        return {}

    @property
    def adopted(self) -> bool:
        return self.outcome == self.Outcome.ADOPTED
