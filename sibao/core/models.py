import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class TransitionLog(models.Model):
    """One row per workflow transition of any process (WL-4 "who/when/why", RQ, incidents, approvals)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    workflow = models.CharField(_("process"), max_length=64)
    action = models.CharField(_("action"), max_length=64)
    from_state = models.CharField(_("from"), max_length=32)
    to_state = models.CharField(_("to"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.workflow}:{self.object_id} {self.from_state}→{self.to_state}"


class StoredUpload(models.Model):
    """A file kept between two requests or for a background import (issue 9 #6), encrypted on disk
    (``core.uploads``); deleted when its import ends, when cancelled, or once expired."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.CASCADE, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=64)
    file_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("stored upload")
        verbose_name_plural = _("stored uploads")

    def __str__(self) -> str:
        return self.file_name


class ImportJobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("In progress")
    CHECKED = "checked", _("Checked, waiting for confirmation")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportJob(models.Model):
    """One registry import (enterprises, employees, pharmacy sales …) run as a background job (issue 8 #8):
    checked first (``commit`` false: a preview that waits for confirmation), then, confirmed, checked again
    and saved all or nothing. Visible to its uploader only (``core.imports``)."""

    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(default=dict, blank=True)  # e.g. the enterprise whose employees are imported
    commit = models.BooleanField(_("save"), default=False)
    language = models.CharField(max_length=16, blank=True)  # the uploader's: messages are written in it
    file_name = models.CharField(_("file name"), max_length=255)
    upload = models.ForeignKey(
        StoredUpload, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ImportJobStatus.choices, default=ImportJobStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    saved = models.PositiveIntegerField(_("saved"), default=0)
    error = models.TextField(_("errors"), blank=True)  # why the whole file failed
    row_errors = models.JSONField(default=list, blank=True)  # the first errors by row, as the user reads them
    error_count = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=list, blank=True)  # the first checked rows, for the confirmation page
    summary = models.JSONField(default=dict, blank=True)  # what saving did, beyond the count (per kind)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"


class SummaryRun(models.Model):
    """When a maintained summary (``core.summaries``) was last rebuilt: the "数据更新于" of the pages reading it."""

    name = models.CharField(_("summary"), max_length=64, unique=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("summary refresh")
        verbose_name_plural = _("summary refreshes")

    def __str__(self) -> str:
        return f"{self.name} @ {self.refreshed_at}"


class DayRowCount(models.Model):
    """Rows per local day and first link (venue, import …) of a day-partitioned table, kept by the
    table's statement triggers on PostgreSQL (``core.partitions.count_rows_per_day``): the purge counts an
    expired day per region from here and drops the partition without reading it. No person in it. Empty on
    SQLite, where nothing is partitioned and the purge counts the rows it deletes."""

    table = models.CharField(max_length=63)
    day = models.DateField()
    link = models.BigIntegerField()  # the link's id; 0 for rows without one
    rows = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("rows per day")
        verbose_name_plural = _("rows per day")
        constraints = [models.UniqueConstraint(fields=["table", "day", "link"], name="day_row_count_once")]

    def __str__(self) -> str:
        return f"{self.table} {self.day} {self.link}: {self.rows}"
