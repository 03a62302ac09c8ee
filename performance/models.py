"""Appraisal cycles and the appraisal of each person in them, by 《事业单位工作人员考核规定》
(人社部发〔2023〕6号): who takes part and why, the self-summary (德、能、勤、绩、廉), the
head's scores and proposed grade, the 民主测评 votes, the publicity of the proposed
优秀, objections, the final grade, the person's signature and their appeals.

A cycle belongs to one library as a legal unit (the municipal library and each county
library appraise and count the 优秀 quota separately). Its status moves forward only
through ``performance.services``; a final cycle and its appraisals are locked.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models import OrgUnit
from staffing.models import Education, PostCategory, Staff, TitleLevel

SCORE = {"max_digits": 5, "decimal_places": 2, "null": True, "blank": True}


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASIC = "basic", _("Basically competent")
    INCOMPETENT = "incompetent", _("Incompetent")
    UNGRADED = "ungraded", _("Not graded")


class AppraisalCycle(models.Model):
    """One appraisal of one library's staff: annual, contract-term, quarterly or special."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual appraisal")
        TERM = "term", _("Contract-term appraisal")
        QUARTERLY = "quarterly", _("Quarterly routine appraisal")
        SPECIAL = "special", _("Special appraisal")

    class Status(models.TextChoices):
        # In the order a cycle moves through them.
        OPEN = "open", _("Open")
        SELF_SUMMARIES = "self_summaries", _("Self-summaries")
        SCORING = "scoring", _("Scoring")
        PROPOSED = "proposed", _("Grades proposed")
        PUBLICITY = "publicity", _("Publicity")
        FINAL = "final", _("Final")

    class QuotaBasis(models.TextChoices):
        NORMAL = "normal", _("Normal")
        RAISED = "raised", _("Raised with approval (collective merit, major contribution)")
        REDUCED = "reduced", _("Reduced (the library rated incompetent or held accountable)")

    library = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="appraisal_cycles",
        limit_choices_to={"kind": OrgUnit.Kind.LIBRARY},
        verbose_name=_("library"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("Quarterly routine appraisals only."),
    )
    term_from = models.PositiveSmallIntegerField(
        _("term from"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("Contract-term appraisals: the term's first year (the year is its last)."),
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.OPEN
    )
    quota_basis = models.CharField(
        _("excellent quota"), max_length=10, choices=QuotaBasis.choices, default=QuotaBasis.NORMAL
    )
    approval_reference = models.CharField(
        _("approval reference"),
        max_length=100,
        blank=True,
        help_text=_("The approval of a raised quota (document number)."),
    )
    publicity_start = models.DateField(_("publicity from"), null=True, blank=True)
    publicity_end = models.DateField(_("publicity until"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal cycle")
        verbose_name_plural = _("appraisal cycles")
        ordering = ["-year", "library__path", "kind", "quarter"]
        constraints = [
            # Two partial constraints, not nulls_distinct=False (SQLite would drop it).
            models.UniqueConstraint(
                fields=["library", "kind", "year"],
                condition=Q(quarter__isnull=True),
                name="one_cycle_per_library_kind_and_year",
                violation_error_message=_("This library already has this appraisal."),
            ),
            models.UniqueConstraint(
                fields=["library", "kind", "year", "quarter"],
                condition=Q(quarter__isnull=False),
                name="one_cycle_per_library_kind_and_quarter",
                violation_error_message=_("This library already has this appraisal."),
            ),
            models.CheckConstraint(
                condition=Q(kind="quarterly", quarter__isnull=False)
                | (~Q(kind="quarterly") & Q(quarter__isnull=True)),
                name="quarter_given_for_quarterly_cycles_only",
                violation_error_message=_("Give the quarter of a quarterly appraisal (only)."),
            ),
            models.CheckConstraint(
                condition=~Q(quota_basis="raised") | ~Q(approval_reference=""),
                name="raised_quota_needs_approval_reference",
                violation_error_message=_("A raised quota needs the approval's reference."),
            ),
        ]

    def __str__(self) -> str:
        if self.title:
            return self.title
        period = f"{self.year}Q{self.quarter}" if self.quarter else f"{self.year}"
        return f"{self.library} {period} {self.get_kind_display()}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class CommitteeMember(models.Model):
    """A member of the cycle's appraisal committee (考核委员会, Art.16)."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair (the library's head)")
        LEADER = "leader", _("Library leader")
        HR = "hr", _("Human resources")
        DISCIPLINE = "discipline", _("Discipline inspection")
        STAFF_REPRESENTATIVE = "staff_rep", _("Staff representative")

    cycle = models.ForeignKey(
        AppraisalCycle,
        on_delete=models.CASCADE,
        related_name="committee",
        verbose_name=_("appraisal cycle"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appraisal_committees",
        verbose_name=_("member"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "user"],
                name="one_committee_seat_per_person",
                violation_error_message=_("This person already sits on the committee."),
            ),
            models.UniqueConstraint(
                fields=["cycle"],
                condition=Q(role="chair"),
                name="one_committee_chair",
                violation_error_message=_("The committee already has a chair."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Appraisal(models.Model):
    """One person in one cycle: whether and how they take part, their self-summary, the
    head's scores and proposal, the votes, the final grade and their signature."""

    class Participation(models.TextChoices):
        GRADED = "graded", _("Takes part and is graded")
        COMMENT_ONLY = "comment_only", _("Comment only: under six months' service")
        LEAVE = "leave", _("Takes part, not graded: over six months' leave")
        PENDING = "pending", _("Grade pending: under investigation")
        REFUSED = "refused", _("Refused to take part: incompetent")
        EXCLUDED = "excluded", _("Not in this appraisal")

    cycle = models.ForeignKey(
        AppraisalCycle,
        on_delete=models.PROTECT,
        related_name="appraisals",
        verbose_name=_("appraisal cycle"),
    )
    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="appraisals", verbose_name=_("staff member")
    )
    # Where the person was when the cycle opened: the head of that unit scores them.
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    post_category = models.CharField(
        _("post category"), max_length=12, choices=PostCategory.choices, blank=True
    )
    participation = models.CharField(
        _("participation"), max_length=12, choices=Participation.choices
    )
    participation_reason = models.CharField(_("why"), max_length=200, blank=True)
    corrected = models.BooleanField(
        _("corrected by HR"), default=False, help_text=_("HR changed what the records gave.")
    )
    # The self-summary (述职), by dimension.
    summary_morality = models.TextField(_("morality (德)"), blank=True)
    summary_competence = models.TextField(_("competence (能)"), blank=True)
    summary_diligence = models.TextField(_("diligence (勤)"), blank=True)
    summary_achievement = models.TextField(_("achievement (绩)"), blank=True)
    summary_integrity = models.TextField(_("integrity (廉)"), blank=True)
    summary_submitted_at = models.DateTimeField(_("summary submitted at"), null=True, blank=True)
    # The head's scores (0–100 each) and their weighted total.
    score_morality = models.DecimalField(_("morality score"), **SCORE)
    score_competence = models.DecimalField(_("competence score"), **SCORE)
    score_diligence = models.DecimalField(_("diligence score"), **SCORE)
    score_achievement = models.DecimalField(_("achievement score"), **SCORE)
    score_integrity = models.DecimalField(_("integrity score"), **SCORE)
    score = models.DecimalField(_("total score"), **SCORE)
    comment = models.TextField(_("appraisal comment"), blank=True)
    proposed_grade = models.CharField(
        _("proposed grade"), max_length=12, choices=Grade.choices, blank=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    # 民主测评: how many voters chose each grade.
    votes_excellent = models.PositiveIntegerField(_("votes: excellent"), default=0)
    votes_competent = models.PositiveIntegerField(_("votes: competent"), default=0)
    votes_basic = models.PositiveIntegerField(_("votes: basically competent"), default=0)
    votes_incompetent = models.PositiveIntegerField(_("votes: incompetent"), default=0)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)
    confirmed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["cycle", "unit__path", "staff__staff_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "staff"],
                name="one_appraisal_per_person_and_cycle",
                violation_error_message=_("This person is already in the appraisal."),
            ),
            models.CheckConstraint(
                condition=Q(grade="") | ~Q(participation="excluded"),
                name="excluded_people_get_no_grade",
                violation_error_message=_("Someone not in the appraisal gets no grade."),
            ),
        ]
        indexes = [models.Index(fields=["cycle", "proposed_grade"])]

    def __str__(self) -> str:
        return f"{self.staff.name} · {self.cycle}"

    @property
    def is_graded(self) -> bool:
        return self.participation == self.Participation.GRADED


class Objection(models.Model):
    """An objection raised during the publicity of the proposed 优秀, and its answer."""

    appraisal = models.ForeignKey(
        Appraisal,
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("appraisal"),
    )
    received_on = models.DateField(_("received on"))
    text = models.TextField(_("objection"))
    answer = models.TextField(_("answer"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-received_on"]

    def __str__(self) -> str:
        return f"{self.appraisal.staff.name} {self.received_on:%Y-%m-%d}"


class Appeal(models.Model):
    """A request to review (复核) a 基本合格 or 不合格 result, then, against the review's
    outcome, an appeal (申诉) — Art.36."""

    class Kind(models.TextChoices):
        REVIEW = "review", _("Review (复核)")
        APPEAL = "appeal", _("Appeal (申诉)")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Result upheld")
        CHANGED = "changed", _("Result changed")

    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("appraisal")
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    filed_on = models.DateField(_("filed on"))
    reasons = models.TextField(_("reasons"))
    previous_grade = models.CharField(_("grade appealed"), max_length=12, choices=Grade.choices)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, blank=True)
    new_grade = models.CharField(_("new grade"), max_length=12, choices=Grade.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision = models.TextField(_("decision"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["appraisal", "filed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "kind"],
                name="one_review_and_one_appeal_per_appraisal",
                violation_error_message=_("This result has already been taken to this step."),
            ),
            models.CheckConstraint(
                condition=~Q(outcome="changed") | ~Q(new_grade=""),
                name="changed_result_names_the_new_grade",
                violation_error_message=_("Give the new grade of a changed result."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.appraisal}"


class TitleRule(models.Model):
    """One way to qualify for a professional title of the library series (图书资料系列):
    a minimum education and years held in the title below (or in the job, for a first
    title). The province sets these; HR keeps them as data (人社部发〔2021〕42号 and the
    province's implementing rules)."""

    series = models.CharField(_("series"), max_length=30, default="图书资料")
    level = models.PositiveSmallIntegerField(_("title sought"), choices=TitleLevel.choices)
    min_education = models.PositiveSmallIntegerField(
        _("education at least"), choices=Education.choices
    )
    from_level = models.PositiveSmallIntegerField(
        _("held title"),
        choices=TitleLevel.choices,
        null=True,
        blank=True,
        help_text=_("Empty: no title yet, the years counted from the hire date."),
    )
    years = models.PositiveSmallIntegerField(_("years held"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("title rule")
        verbose_name_plural = _("title rules")
        ordering = ["series", "level", "-min_education"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_level__isnull=True) | Q(from_level__lt=models.F("level")),
                name="title_rule_from_a_lower_title",
                violation_error_message=_("The held title must be below the title sought."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} ← {self.get_min_education_display()}"


class DepartmentEvaluation(models.Model):
    """A department's comprehensive score for a year (部门年度综合考评): plan-task
    completion and on-time reporting from the plan, its staff's appraisal results, and
    other items the leadership scores; weighted (``SHUXIANG_DEPARTMENT_WEIGHTS``), ranked
    within the library and graded. Recomputed until the leadership confirms it."""

    class Rating(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        PASS = "pass", _("Satisfactory")
        FAIL = "fail", _("Unsatisfactory")

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("department"),
    )
    plan_score = models.DecimalField(_("plan-task completion"), **SCORE)
    reporting_score = models.DecimalField(_("on-time reporting"), **SCORE)
    appraisal_score = models.DecimalField(_("staff appraisal results"), **SCORE)
    budget_score = models.DecimalField(_("budget execution"), **SCORE)
    other_score = models.DecimalField(_("other items (leadership)"), **SCORE)
    other_note = models.CharField(_("other items: what was scored"), max_length=200, blank=True)
    total = models.DecimalField(_("comprehensive score"), **SCORE)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=10, choices=Rating.choices, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("department evaluation")
        verbose_name_plural = _("department evaluations")
        ordering = ["-year", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit"],
                name="one_evaluation_per_department_and_year",
                violation_error_message=_("This department is already evaluated for the year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"
