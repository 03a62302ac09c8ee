"""Staff records with their post, title, unit and education histories, training,
certificates and the yearly continuing-education rules.

Nothing is deleted: leaving is a status with a date. The current post, title, unit and
education are kept on the staff row for listings and are rewritten by services whenever
the histories change; figures for a past date are read from the histories (see
selectors/structure.py and selectors/compliance.py).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from fractions import Fraction
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import OrgUnit
from governance.models.base import ScopedQuerySet, VisibleToMixin
from reporting.storages import get_private_storage

from .validators import validate_certificate_file, validate_id_number


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class EmploymentType(models.TextChoices):
    ESTABLISHMENT = "establishment", _("On the establishment (在编)")
    CONTRACT = "contract", _("Contract (编外)")
    AGENCY = "agency", _("Agency")
    PURCHASED = "purchased", _("Purchased service")


class PostCategory(models.TextChoices):
    MANAGEMENT = "management", _("Management")
    PROFESSIONAL = "professional", _("Professional-technical")
    WORKER = "worker", _("Skilled worker")


class TitleLevel(models.IntegerChoices):
    """Levels of a professional title series; the library series' names in brackets."""

    JUNIOR = 1, _("Junior (管理员)")
    ASSISTANT = 2, _("Assistant (助理馆员)")
    INTERMEDIATE = 3, _("Intermediate (馆员)")
    ASSOCIATE_SENIOR = 4, _("Associate senior (副研究馆员)")
    SENIOR = 5, _("Senior (研究馆员)")


class Education(models.IntegerChoices):
    BELOW_SECONDARY = 1, _("Below secondary")
    SECONDARY = 2, _("Secondary / high school")
    COLLEGE = 3, _("College (大专)")
    BACHELOR = 4, _("Bachelor")
    MASTER = 5, _("Master")
    DOCTORATE = 6, _("Doctorate")


class Discipline(models.TextChoices):
    LIBRARY = "library", _("Library and information science")
    IT = "it", _("Computing and IT")
    LANGUAGES = "languages", _("Languages")
    HUMANITIES = "humanities", _("Other humanities")
    MANAGEMENT = "management", _("Management and economics")
    SCIENCE = "science", _("Science and engineering")
    OTHER = "other", _("Other")


class StaffQuerySet(VisibleToMixin, models.QuerySet):
    def in_post(self):
        return self.filter(status__in=[Staff.Status.IN_POST, Staff.Status.SECONDED])


class Staff(models.Model):
    """One employee of the library system."""

    class Status(models.TextChoices):
        IN_POST = "in_post", _("In post")
        SECONDED = "seconded", _("Seconded")
        LEFT = "left", _("Left")
        RETIRED = "retired", _("Retired")

    staff_number = models.CharField(_("staff number"), max_length=20, unique=True)
    name = models.CharField(_("full name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number = models.CharField(
        _("ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_record",
        verbose_name=_("login"),
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="staff", verbose_name=_("unit")
    )
    employment_type = models.CharField(
        _("employment type"), max_length=15, choices=EmploymentType.choices
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IN_POST
    )
    status_date = models.DateField(
        _("status since"), null=True, blank=True, help_text=_("e.g. the date of leaving.")
    )
    education = models.PositiveSmallIntegerField(
        _("highest education"), choices=Education.choices, null=True, blank=True
    )
    degree = models.CharField(_("degree"), max_length=20, blank=True)
    major = models.CharField(_("major"), max_length=50, blank=True)
    discipline = models.CharField(
        _("discipline group"), max_length=12, choices=Discipline.choices, blank=True
    )
    # Current post and title, kept in step with the histories by staffing.services.
    post_category = models.CharField(
        _("post category"), max_length=12, choices=PostCategory.choices, blank=True
    )
    post_grade = models.PositiveSmallIntegerField(_("post grade"), null=True, blank=True)
    title = models.CharField(_("professional title"), max_length=30, blank=True)
    title_level = models.PositiveSmallIntegerField(
        _("title level"), choices=TitleLevel.choices, null=True, blank=True
    )

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["unit__path", "staff_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number=""),
                name="staff_id_number_unique",
                violation_error_message=_("Another staff member has this ID number."),
            ),
            # A001 and a001 are one staff number (the staff sheet matches them so).
            models.UniqueConstraint(
                Lower("staff_number"),
                name="staff_number_unique_ignoring_case",
                violation_error_message=_("Another staff member has this staff number."),
            ),
        ]
        permissions = [("view_staff_personal", _("Can see ID numbers and birth dates"))]

    def __str__(self) -> str:
        return f"{self.name}（{self.staff_number}）"

    def clean(self):
        self.id_number = self.id_number.strip().upper()  # one spelling, for uniqueness
        if self.status in (self.Status.LEFT, self.Status.RETIRED) and not self.status_date:
            raise ValidationError(
                {"status_date": _("Give the date of leaving or retiring: past figures use it.")}
            )

    @property
    def masked_id_number(self) -> str:
        """The ID number with the birth date and sequence hidden: 3610**********123X."""
        if len(self.id_number) < 8:
            return "*" * len(self.id_number)
        return self.id_number[:4] + "*" * (len(self.id_number) - 8) + self.id_number[-4:]


class PostAppointment(models.Model):
    """A post held from ``start`` until ``end`` (open while current)."""

    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="appointments", verbose_name=_("staff")
    )
    category = models.CharField(_("post category"), max_length=12, choices=PostCategory.choices)
    grade = models.PositiveSmallIntegerField(
        _("post grade"), validators=[MinValueValidator(1), MaxValueValidator(13)]
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("post appointment")
        verbose_name_plural = _("post appointments")
        ordering = ["staff", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="appointment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=13), name="appointment_grade_1_to_13"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.get_category_display()} {self.grade}"


class TitleRecord(models.Model):
    """A professional title obtained on a date (the latest one before a date is held)."""

    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="titles", verbose_name=_("staff")
    )
    series = models.CharField(_("series"), max_length=30, default="图书资料")
    title = models.CharField(_("professional title"), max_length=30)
    level = models.PositiveSmallIntegerField(_("title level"), choices=TitleLevel.choices)
    obtained = models.DateField(_("obtained on"))
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("title record")
        verbose_name_plural = _("title records")
        ordering = ["staff", "obtained"]

    def __str__(self) -> str:
        return f"{self.staff} · {self.title}"


class UnitAssignment(models.Model):
    """The unit a person worked in from ``start`` until ``end`` (open while current).

    An empty ``start`` means "since before the records" (the first assignment of someone
    whose hire date is unknown); the staff row's ``unit`` is the open assignment's unit,
    kept in step by staffing.services.
    """

    staff = models.ForeignKey(
        Staff,
        on_delete=models.CASCADE,
        related_name="unit_assignments",
        verbose_name=_("staff"),
    )
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="staff_assignments",
        verbose_name=_("unit"),
    )
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("until"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit assignment")
        verbose_name_plural = _("unit history")
        ordering = ["staff", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
                name="unit_assignment_ends_after_start",
                violation_error_message=_("A unit assignment cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.unit}"


class EducationRecord(models.Model):
    """An education obtained on a date; the highest obtained by a date is the one held.

    An empty ``obtained`` means "held since before the records" (the staff row's education
    when the history began, or a sheet that gives no date).
    """

    staff = models.ForeignKey(
        Staff,
        on_delete=models.CASCADE,
        related_name="education_records",
        verbose_name=_("staff"),
    )
    level = models.PositiveSmallIntegerField(
        _("education"), choices=Education.choices, null=True, blank=True
    )
    degree = models.CharField(_("degree"), max_length=20, blank=True)
    major = models.CharField(_("major"), max_length=50, blank=True)
    discipline = models.CharField(
        _("discipline group"), max_length=12, choices=Discipline.choices, blank=True
    )
    obtained = models.DateField(_("obtained on"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("education record")
        verbose_name_plural = _("education history")
        ordering = ["staff", "obtained"]

    def __str__(self) -> str:
        label = self.get_level_display() if self.level else self.degree
        return f"{self.staff} · {label}"


class SubjectType(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional subjects (专业科目)")
    GENERAL = "general", _("General subjects (公需科目)")


class TrainingProgram(models.Model):
    class Kind(models.TextChoices):
        SENIOR_TALENT = "senior_talent", _("Senior-talent training")
        ROUTINE = "routine", _("Routine professional training")
        INDUCTION = "induction", _("New-staff induction")
        CONTINUING = "continuing", _("Continuing education")
        EXCHANGE = "exchange", _("Academic exchange")

    class Mode(models.TextChoices):
        ONSITE = "onsite", _("On site")
        ONLINE = "online", _("Online")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    organiser = models.CharField(_("organiser"), max_length=100, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    hours = models.DecimalField(
        _("hours"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0"))]
    )
    subject_type = models.CharField(_("subject type"), max_length=12, choices=SubjectType.choices)
    mode = models.CharField(_("mode"), max_length=6, choices=Mode.choices, default=Mode.ONSITE)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training program")
        verbose_name_plural = _("training programs")
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="program_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0),
                name="program_hours_not_negative",
                violation_error_message=_("Hours cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    program = models.ForeignKey(
        TrainingProgram,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("training program"),
    )
    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("staff")
    )
    attended = models.BooleanField(_("attended"), default=False)
    hours = models.DecimalField(
        _("hours credited"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Leave empty to credit the program's hours when attended."),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["program", "staff"], name="enrolment_once"),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0),
                name="enrolment_hours_not_negative",
                violation_error_message=_("Hours cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.program}"


def certificate_path(instance: ExternalTraining, filename: str) -> str:
    """A random name: neither the staff member's name nor the uploaded file's name reaches
    the storage's path (the latter is kept in `certificate_name`)."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"certificates/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"


class ExternalTraining(models.Model):
    """Training taken elsewhere, credited with its hours and certificate."""

    staff = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        related_name="external_trainings",
        verbose_name=_("staff"),
    )
    name = models.CharField(_("name"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=100, blank=True)
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0"))]
    )
    subject_type = models.CharField(_("subject type"), max_length=12, choices=SubjectType.choices)
    # Scans of certificates often show ID numbers: private storage, HR and administrators.
    certificate = models.FileField(
        _("certificate"),
        upload_to=certificate_path,
        storage=get_private_storage,
        max_length=255,
        blank=True,
        validators=[validate_certificate_file],
        help_text=_(
            "A scan or photo of the certificate (PDF, JPG or PNG, up to 10 MB); only HR "
            "and administrators may download it."
        ),
    )
    certificate_name = models.CharField(
        _("certificate file name"), max_length=255, blank=True, editable=False
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("external training")
        verbose_name_plural = _("external trainings")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0),
                name="external_training_hours_not_negative",
                violation_error_message=_("Hours cannot be negative."),
            )
        ]
        permissions = [
            ("view_training_certificate", _("Can download the certificates of external training"))
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.name}"


class Certificate(models.Model):
    """An internal post qualification (e.g. reading promotion, children's service)."""

    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("staff")
    )
    kind = models.CharField(_("qualification"), max_length=100)
    number = models.CharField(_("certificate number"), max_length=50, blank=True)
    issued = models.DateField(_("issued on"))
    expires = models.DateField(_("expires on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("post qualification")
        verbose_name_plural = _("post qualifications")
        ordering = ["staff", "-issued"]

    def __str__(self) -> str:
        return f"{self.staff} · {self.kind}"


class StructureTarget(models.Model):
    """HR's target for a share of the workforce in a year (e.g. intermediate titles ≥ 45 %)."""

    class Dimension(models.TextChoices):
        TITLE_LEVEL = "title_level", _("Title level")
        EDUCATION = "education", _("Education")
        POST_CATEGORY = "post_category", _("Post category")
        DISCIPLINE = "discipline", _("Discipline group")

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    dimension = models.CharField(_("dimension"), max_length=15, choices=Dimension.choices)
    value = models.CharField(
        _("value"),
        max_length=20,
        help_text=_("The value counted, at least: e.g. title level 3 counts 3, 4 and 5."),
    )
    min_share = models.DecimalField(
        _("minimum share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure target")
        verbose_name_plural = _("structure targets")
        ordering = ["-year", "dimension", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "dimension", "value"], name="structure_target_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_dimension_display()} {self.value} ≥ {self.min_share}%"


def validate_share(value: str) -> None:
    """A share of the total written as a fraction ("2/3") or a decimal ("0.6")."""
    try:
        share = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise ValidationError(
            _("Write the share as a fraction such as 2/3 or a decimal such as 0.6."),
            code="invalid",
        ) from None
    if not 0 <= share <= 1:
        raise ValidationError(_("The share must lie between 0 and 1."), code="invalid")


class ContinuingEducationRule(models.Model):
    """The continuing-education requirement of one year, as HR applies it.

    Kept per year so that a change for this year leaves past years' results as they were;
    a year without a row uses the defaults in the settings (``SHUXIANG_CE_*``).
    """

    class ProfessionalRule(models.TextChoices):
        SHARE = "share", _("A share of the total hours")
        MINIMUM = "minimum", _("A fixed minimum of professional hours")

    class JoinersRule(models.TextChoices):
        PRORATE = "prorate", _("Pro-rated by the months employed")
        EXEMPT = "exempt", _("Exempt that year")
        NONE = "none", _("The full requirement")

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    total_hours = models.DecimalField(
        _("hours required"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("90"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    professional_rule_kind = models.CharField(
        _("professional-hours rule"),
        max_length=10,
        choices=ProfessionalRule.choices,
        default=ProfessionalRule.SHARE,
    )
    professional_share = models.CharField(
        _("professional share"),
        max_length=10,
        default="2/3",
        blank=True,
        validators=[validate_share],
        help_text=_("With the share rule: e.g. 2/3 of the total hours."),
    )
    professional_min_hours = models.DecimalField(
        _("minimum professional hours"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("With the fixed-minimum rule: e.g. 60 of the 90 hours."),
    )
    joiners_rule = models.CharField(
        _("people who joined or left during the year"),
        max_length=10,
        choices=JoinersRule.choices,
        default=JoinersRule.PRORATE,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("continuing-education rule")
        verbose_name_plural = _("continuing-education rules")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_hours__gte=0),
                name="ce_rule_hours_not_negative",
                violation_error_message=_("Hours cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(professional_min_hours__isnull=True)
                | Q(professional_min_hours__gte=0, professional_min_hours__lte=F("total_hours")),
                name="ce_rule_professional_within_total",
                violation_error_message=_(
                    "The minimum professional hours must lie between 0 and the hours required."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(professional_rule_kind="minimum")
                | Q(professional_min_hours__isnull=False),
                name="ce_rule_minimum_given",
                violation_error_message=_(
                    "Give the minimum professional hours for the fixed-minimum rule."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(professional_rule_kind="share") | ~Q(professional_share=""),
                name="ce_rule_share_given",
                violation_error_message=_("Give the professional share for the share rule."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Continuing-education rule %(year)s") % {"year": self.year})


class LeaveRecord(models.Model):
    """A period of leave that bears on the appraisal: over six months of sick or personal
    leave in a year takes the person out of the grading, maternity leave does not
    (考核规定 Art.41)."""

    class Kind(models.TextChoices):
        SICK = "sick", _("Sick leave")
        PERSONAL = "personal", _("Personal leave")
        MATERNITY = "maternity", _("Maternity leave")

    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="leaves", verbose_name=_("staff member")
    )
    kind = models.CharField(_("kind of leave"), max_length=10, choices=Kind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), help_text=_("The last day of leave."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("leave record")
        verbose_name_plural = _("leave records")
        ordering = ["staff", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="leave_ends_after_it_starts",
                violation_error_message=_("Leave cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.staff.name} {self.get_kind_display()} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"
        )


class Investigation(models.Model):
    """A case opened against a staff member (立案审查、调查): their appraisal grade waits
    until it closes (考核规定 Art.42). HR's record only."""

    staff = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        related_name="investigations",
        verbose_name=_("staff member"),
    )
    opened = models.DateField(_("opened on"))
    closed = models.DateField(_("closed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        ordering = ["staff", "-opened"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed__isnull=True) | Q(closed__gte=F("opened")),
                name="investigation_closes_after_it_opens",
                violation_error_message=_("A case cannot close before it opens."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff.name} {self.opened:%Y-%m-%d}"
