"""Long documents prepared in the background (a whole system's roster, a 5,000-row
tracking table): who asked, how far the worker has got, and the file when it is ready, in
private storage — only the person who asked may download it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.storages import get_private_storage

from .base import ScopedQuerySet


def document_path(instance: DocumentJob, filename: str) -> str:
    """A random name under the month: the document's title (a unit, a plan) stays in the
    row, not in the storage's path."""
    suffix = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class DocumentJob(models.Model):
    """One document someone asked for that was too long to prepare during their request."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="document_jobs",
        verbose_name=_("asked for by"),
    )
    kind = models.CharField(_("kind"), max_length=100, editable=False)
    params = models.JSONField(_("parameters"), default=dict, blank=True, editable=False)
    title = models.CharField(_("document"), max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(
        _("file"), upload_to=document_path, storage=get_private_storage, max_length=255, blank=True
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("preparation started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("preparation finished"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("document being prepared")
        verbose_name_plural = _("my documents")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="document_job_by_user")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        """How far the worker has got, 0–100 (100 only once the file is ready)."""
        if self.status == self.Status.READY:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
