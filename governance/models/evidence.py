"""Evidence files attached to progress reports (the lead unit's) and to partner
contributions (a partner unit's), kept in private storage: only those who may see the
report or contribution may download them, through a view that checks the policy."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.storages import get_private_storage

from .base import ScopedQuerySet
from .plan import Contribution, ProgressReport

EVIDENCE_EXTENSIONS = ("pdf", "docx", "xlsx", "odt", "ods", "txt", "jpg", "jpeg", "png")


def evidence_path(instance: Evidence, filename: str) -> str:
    """A random name under the month of upload: nothing the uploader typed reaches the
    storage's path (the name people see is kept in `Evidence.name`)."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class EvidenceFile(models.Model):
    """What every evidence file keeps: the stored file, its name as uploaded, who sent it."""

    file = models.FileField(
        _("file"),
        upload_to=evidence_path,
        storage=get_private_storage,
        max_length=255,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
    )
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Evidence(EvidenceFile):
    """A file (photo, PDF, document) the lead unit attaches to its progress report."""

    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.PROTECT,
        related_name="evidence_files",
        verbose_name=_("progress report"),
    )

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["report", "uploaded_at", "pk"]


class ContributionEvidence(EvidenceFile):
    """A file a partner unit attaches to its contribution to an item."""

    contribution = models.ForeignKey(
        Contribution,
        on_delete=models.PROTECT,
        related_name="evidence_files",
        verbose_name=_("partner contribution"),
    )

    class Meta:
        verbose_name = _("partner evidence file")
        verbose_name_plural = _("partner evidence files")
        ordering = ["contribution", "uploaded_at", "pk"]
