from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sibao.parameters.registry import DEFINITIONS
from sibao.regions.models import RegionState


class ParameterOverride(models.Model):
    """A region's own value for a parameter in one region state; the most specific region on an object's path
    wins. An emergency value is read while the region (or one above it) is in emergency (EM-1)."""

    key = models.CharField(_("parameter"), max_length=64)  # validated against the registry, not choices
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.CASCADE)
    state = models.CharField(_("region state"), max_length=16, choices=RegionState.choices, default=RegionState.NORMAL)
    value = models.JSONField(_("value"))
    note = models.CharField(_("note"), max_length=255, blank=True, help_text=_("Why, e.g. the notice that set it."))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("parameter override")
        verbose_name_plural = _("parameter overrides")
        constraints = [
            models.UniqueConstraint(fields=["key", "region", "state"], name="parameter_once_per_region_state")
        ]

    def __str__(self) -> str:
        return f"{self.key}@{self.region_id}/{self.state}={self.value}"

    def clean(self) -> None:
        definition = DEFINITIONS.get(self.key)
        if definition is None:
            raise ValidationError({"key": _("Unknown parameter.")})
        try:
            self.value = definition.to_json(definition.parse(self.value))
        except ValueError as error:
            raise ValidationError({"value": str(error)}) from None
