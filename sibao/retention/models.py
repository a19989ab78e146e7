from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sibao.core.scope import ScopedQuerySet


class PurgeReason(models.TextChoices):
    EXPIRED = "expired", _("Retention period over")
    EMERGENCY_OVER = "emergency_over", _("Emergency over")


class PurgeQuerySet(ScopedQuerySet):
    scope_region_path = "region__path"


class Purge(models.Model):
    """One purge of personal epidemic data: what was deleted, how many of each kind, by whom and why.

    ``region`` is the subtree an "emergency over" purge took (None: the daily purge of the whole platform,
    each region by its own retention). ``counts`` grows as each day's batch commits, so an interrupted purge
    still says what it deleted."""

    reason = models.CharField(_("reason"), max_length=16, choices=PurgeReason.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    before = models.DateTimeField(_("data before"))
    counts = models.JSONField(_("records deleted per kind"), default=dict)
    total = models.PositiveBigIntegerField(_("records deleted"), default=0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = PurgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal data purge")
        verbose_name_plural = _("personal data purges")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.started_at:%Y-%m-%d %H:%M}"


class PurgedTally(models.Model):
    """How many rows of one kind one region had on one (local) day, kept when the rows are purged: the figures
    reports need survive, and they hold no person. ``region`` None: rows whose region was unknown."""

    kind = models.CharField(_("kind"), max_length=64)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    rows = models.PositiveBigIntegerField(_("records"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("purged records tally")
        verbose_name_plural = _("purged records tallies")
        constraints = [models.UniqueConstraint(fields=["kind", "region", "day"], name="purged_tally_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.day}: {self.rows}"
