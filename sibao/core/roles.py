"""The roles of SPEC §1 and what each may do.

Data scope (which rows) lives in ``core.scope``; this module answers "may this role do X at all".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise user")
    TOWNSHIP = "township", _("Township officer")
    SECTOR_DEPARTMENT = "sector_department", _("Sector department")
    HQ_OFFICE = "hq_office", _("HQ office")
    EPIDEMIC = "epidemic", _("Epidemic task force")
    SUPERVISION = "supervision", _("Supervision task force")
    LEADER = "leader", _("Leader")
    ADMINISTRATOR = "administrator", _("Administrator")


class Capability(models.TextChoices):
    ENTERPRISE_VIEW = "enterprise.view"
    ENTERPRISE_CREATE = "enterprise.create"
    ENTERPRISE_CHANGE = "enterprise.change"
    ENTERPRISE_CHANGE_OWN = "enterprise.change_own"
    ENTERPRISE_IMPORT = "enterprise.import"
    ENTERPRISE_EXPORT = "enterprise.export"
    ORGANISATION_VIEW = "organisation.view"
    AUDIT_VIEW = "audit.view"
    WHITELIST_VIEW = "whitelist.view"  # applications, listings, coverage in scope
    WHITELIST_APPLY = "whitelist.apply"  # an enterprise applies for itself
    WHITELIST_REVIEW = "whitelist.review"  # township first check and department decision (level checked per case)
    WHITELIST_CRITERIA = "whitelist.criteria"  # edit and publish the sector's criteria
    WHITELIST_PUBLISH = "whitelist.publish"  # publish batches, confirm removals
    WHITELIST_SPOT_CHECK = "whitelist.spot_check"  # record spot checks, propose removals
    LIAISON_MANAGE = "liaison.manage"  # assign liaison cadres, epidemic officers, medical institutions


_OFFICIAL_READ = {
    Capability.ENTERPRISE_VIEW,
    Capability.ENTERPRISE_EXPORT,
    Capability.ORGANISATION_VIEW,
    Capability.WHITELIST_VIEW,
}
_REGISTRY_WRITE = {Capability.ENTERPRISE_CREATE, Capability.ENTERPRISE_CHANGE, Capability.ENTERPRISE_IMPORT}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ENTERPRISE: frozenset(
        {Capability.ENTERPRISE_VIEW, Capability.ENTERPRISE_CHANGE_OWN, Capability.WHITELIST_APPLY}
    ),
    Role.TOWNSHIP: frozenset(_OFFICIAL_READ | {Capability.WHITELIST_REVIEW}),
    Role.SECTOR_DEPARTMENT: frozenset(
        _OFFICIAL_READ
        | _REGISTRY_WRITE
        | {Capability.WHITELIST_REVIEW, Capability.WHITELIST_CRITERIA, Capability.WHITELIST_SPOT_CHECK}
    ),
    Role.HQ_OFFICE: frozenset(
        _OFFICIAL_READ
        | _REGISTRY_WRITE
        | {Capability.WHITELIST_PUBLISH, Capability.WHITELIST_SPOT_CHECK, Capability.LIAISON_MANAGE}
    ),
    Role.EPIDEMIC: frozenset(_OFFICIAL_READ),
    Role.SUPERVISION: frozenset(_OFFICIAL_READ),
    Role.LEADER: frozenset(_OFFICIAL_READ),
    Role.ADMINISTRATOR: frozenset(set(Capability.values)),
}


def has_capability(user: object, capability: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return capability in ROLE_CAPABILITIES.get(getattr(user, "role", ""), frozenset())
