"""OR-2..OR-4, OR-6: the units of each region's government and the people in them.

A region's command HQ (指挥部) has an office (办公室) hosted by a department and task forces (工作专班)
led by departments; sector departments map to the whitelist sectors; every unit may name a policy
consultant whose contact is published with the policy list.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sibao.core.scope import EnterpriseScopedQuerySet, ScopedQuerySet
from sibao.core.sectors import Sector


class UnitKind(models.TextChoices):
    HQ = "hq", _("Command HQ")
    HQ_OFFICE = "hq_office", _("HQ office")
    TASK_FORCE = "task_force", _("Task force")
    DEPARTMENT = "department", _("Government department")
    TOWNSHIP = "township", _("Township government")
    MEDICAL = "medical", _("Medical institution")


class TaskForceKind(models.TextChoices):
    """The eight default task forces of OR-3 (001#annex3)."""

    COORDINATION = "coordination", _("General coordination")
    INDUSTRY = "industry", _("Industrial production")
    COMMERCE = "commerce", _("Commerce and distribution")
    TRANSPORT = "transport", _("Transport")
    CULTURE_TOURISM = "culture_tourism", _("Culture and tourism")
    KEY_PROJECT = "key_project", _("Key projects")
    EPIDEMIC = "epidemic", _("Epidemic protection")
    SUPERVISION = "supervision", _("Supervision")


class DepartmentFunction(models.TextChoices):
    """What a department is, so rules can route to "the 商务局 of this county" (OR-4)."""

    DEVELOPMENT_REFORM = "development_reform", _("Development and reform commission")
    INDUSTRY_IT = "industry_it", _("Industry and information technology bureau")
    COMMERCE = "commerce", _("Commerce bureau")
    TRANSPORT = "transport", _("Transport bureau")
    CULTURE_TOURISM = "culture_tourism", _("Culture, radio, TV and tourism bureau")
    KEY_PROJECTS = "key_projects", _("Key project construction service centre")
    HEALTH = "health", _("Health commission")
    DATA = "data", _("Government services and big data bureau")
    TAX = "tax", _("Tax bureau")
    FINANCE = "finance", _("Finance bureau")
    FINANCIAL = "financial", _("Financial affairs bureau")
    HUMAN_RESOURCES = "human_resources", _("Human resources and social security bureau")
    MARKET_REGULATION = "market_regulation", _("Market regulation bureau")
    ECOLOGY = "ecology", _("Ecology and environment bureau")
    PUBLIC_SECURITY = "public_security", _("Public security bureau")
    EMERGENCY = "emergency", _("Emergency management bureau")
    SUPERVISION = "supervision", _("Supervision bureau")
    OTHER = "other", _("Other")


# OR-4: the department that leads each whitelist sector.
SECTOR_LEAD_FUNCTION: dict[str, str] = {
    Sector.INDUSTRY: DepartmentFunction.INDUSTRY_IT,
    Sector.COMMERCE: DepartmentFunction.COMMERCE,
    Sector.TRANSPORT: DepartmentFunction.TRANSPORT,
    Sector.CULTURE_TOURISM: DepartmentFunction.CULTURE_TOURISM,
    Sector.KEY_PROJECT: DepartmentFunction.KEY_PROJECTS,
}


class Unit(models.Model):
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="units"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=128)
    short_name = models.CharField(_("short name"), max_length=32, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    function = models.CharField(_("department function"), max_length=32, choices=DepartmentFunction.choices, blank=True)
    task_force_kind = models.CharField(_("task force"), max_length=32, choices=TaskForceKind.choices, blank=True)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices, blank=True)
    lead_department = models.ForeignKey(
        "self",
        verbose_name=_("lead or host department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_units",
    )
    office_location = models.CharField(_("office location"), max_length=128, blank=True)
    duties = models.TextField(_("duties"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    policy_consultant = models.ForeignKey(
        "Person",
        verbose_name=_("policy consultant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultant_for",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["region__code", "kind", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="unit_unique_name_per_region")]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    name = models.CharField(_("name"), max_length=32)
    post = models.CharField(_("post"), max_length=128, blank=True)  # e.g. 县委副书记、县长
    employer = models.ForeignKey(
        Unit, verbose_name=_("employer"), null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_epidemic_expert = models.BooleanField(_("epidemic expert"), default=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    COMMANDER = "commander", _("Commander")
    FIRST_DEPUTY = "first_deputy", _("First deputy commander")
    DEPUTY = "deputy", _("Deputy commander")
    MEMBER = "member", _("Member")
    LEADER = "leader", _("Group leader")
    DEPUTY_LEADER = "deputy_leader", _("Deputy group leader")
    OFFICE_DIRECTOR = "office_director", _("Office director")
    EPIDEMIC_EXPERT = "epidemic_expert", _("Epidemic expert")
    STAFF = "staff", _("Staff")


class Membership(models.Model):
    """A person's role in an HQ or task force (one person may hold several)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=MembershipRole.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["unit", "order"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "person", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.person} ({self.get_role_display()})"


class Liaison(models.Model):
    """OR-5: the three people and institution every whitelist enterprise must have (001#3, 000#九.2)."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="liaison"
    )
    liaison_cadre = models.ForeignKey(
        Person, verbose_name=_("liaison cadre"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    epidemic_officer = models.ForeignKey(
        Person, verbose_name=_("epidemic officer"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    medical_institution = models.ForeignKey(
        Unit,
        verbose_name=_("paired medical institution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": UnitKind.MEDICAL},
    )

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("liaison assignment")
        verbose_name_plural = _("liaison assignments")

    def __str__(self) -> str:
        return str(self.enterprise)
