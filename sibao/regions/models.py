"""OR-1: the administrative region tree with GB/T 2260 codes.

Each region stores a materialised ``path`` of its ancestors' codes, so "this region and everything
below it" is one indexed prefix filter (``path__startswith``), which is how data scope works.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")


class RegionState(models.TextChoices):
    """EM-1: every region is in normal or emergency state; a region inherits the emergency of a region above it.
    The emergency app records the switches; rule parameters may hold a value per state (parameters app)."""

    NORMAL = "normal", _("Normal state")
    EMERGENCY = "emergency", _("Emergency state")


LEVEL_DEPTH = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2, RegionLevel.TOWNSHIP: 3}


class RegionQuerySet(models.QuerySet["Region"]):
    def subtree(self, root: "Region") -> "RegionQuerySet":
        return self.filter(path__startswith=root.path)

    def active(self) -> "RegionQuerySet":
        return self.filter(is_active=True)


class Region(models.Model):
    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "410000/410100/410184/" — ancestors' codes, this region's last. Subtree = prefix match.
    path = models.CharField(max_length=255, unique=True, editable=False)
    source = models.CharField(_("data source"), max_length=128, blank=True)
    vintage = models.CharField(_("vintage"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%' under any collation.
            models.Index(fields=["path"], name="region_path_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "name"], name="region_level_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        """Names from the city down, e.g. 开封市通许县咸平街道 (the province is implied)."""
        names = list(
            Region.objects.filter(code__in=self.ancestor_codes())
            .exclude(level=RegionLevel.PROVINCE)
            .values_list("name", flat=True)
        )
        return "".join(names) or self.name

    def ancestor_codes(self) -> list[str]:
        return [part for part in self.path.split("/") if part]

    def contains(self, other: "Region") -> bool:
        return other.path.startswith(self.path)

    def build_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else ""
        return f"{prefix}{self.code}/"
