"""EP-1: the people of each enterprise. Later parts of EP (tests, codes, scans …) hang off ``Employee``."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sibao.core.scope import ScopedQuerySet


class PostType(models.TextChoices):
    """001 annex 2: mobile and contact posts are tested every 24 h instead of every 48 h (EP-2)."""

    NORMAL = "normal", _("Normal post")
    LOGISTICS = "logistics", _("Logistics / driver")
    SALES = "sales", _("Sales / purchasing (travels out)")
    CONTACT = "contact", _("Contact with outsiders (reception, delivery)")


MOBILE_POST_TYPES = (PostType.LOGISTICS, PostType.SALES, PostType.CONTACT)


class EmployeeQuerySet(ScopedQuerySet):
    scope_region_path = "enterprise__region__path"
    scope_sector = "enterprise__sector"
    scope_enterprise = "enterprise_id"


class Employee(models.Model):
    """A person working at an enterprise. The ID number exists only encrypted (``id_cipher``), as a keyed
    digest for lookups (``id_digest``) and masked for display (``id_masked``)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="employees"
    )
    name = models.CharField(_("name"), max_length=64)
    id_cipher = models.TextField(editable=False)
    id_digest = models.CharField(max_length=64, editable=False, db_index=True)
    id_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    post_type = models.CharField(_("post type"), max_length=16, choices=PostType.choices, default=PostType.NORMAL)
    team = models.CharField(_("team"), max_length=64, blank=True)
    dormitory = models.CharField(_("dormitory"), max_length=64, blank=True)
    management_unit = models.CharField(_("management unit"), max_length=64, blank=True)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    is_active = models.BooleanField(_("employed"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["enterprise", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "id_digest"], name="employee_once_per_enterprise")]

    def __str__(self) -> str:
        return f"{self.name} {self.id_masked}"
