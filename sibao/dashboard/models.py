"""The screen's maintained totals (DB-1…DB-4, issue 11 #3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionFigures(models.Model):
    """Totals of one region's whole subtree in one sector: ``values`` = {metric key: number}.

    Rebuilt whole by ``dashboard.figures.refresh`` (the summary pass) from the registered measures: a row for
    the region each counted row belongs to and one for every region above it, so a screen view reads its
    region's rows and its children's rows by key, whatever the number of enterprises below."""

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="+")
    sector = models.CharField(_("sector"), max_length=32)
    values = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("region figures")
        verbose_name_plural = _("region figures")
        constraints = [models.UniqueConstraint(fields=["region", "sector"], name="region_figures_once")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.sector}"
