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
    # EM-4: the epidemic HQ's own office (疫情防控指挥部办公室), a command body of its own next to the economic
    # HQ office; it decides shutdowns jointly with it and joins it in joint office during an emergency.
    EPIDEMIC_HQ_OFFICE = "epidemic_hq_office", _("Epidemic HQ office")
    SUPERVISION = "supervision", _("Supervision task force")
    LEADER = "leader", _("Leader")
    # LG-1/LG-2 (000#六, 001#annex2-三.5): the county 保物流畅通 task force and the officers at traffic checkpoints.
    LOGISTICS = "logistics", _("Logistics task force")
    CHECKPOINT = "checkpoint", _("Checkpoint officer")
    ADMINISTRATOR = "administrator", _("Administrator")


class Capability(models.TextChoices):
    ENTERPRISE_VIEW = "enterprise.view"
    ENTERPRISE_CREATE = "enterprise.create"
    ENTERPRISE_CHANGE = "enterprise.change"
    ENTERPRISE_CHANGE_OWN = "enterprise.change_own"
    ENTERPRISE_IMPORT = "enterprise.import"
    ENTERPRISE_EXPORT = "enterprise.export"
    ORGANISATION_VIEW = "organisation.view"
    # OR-2/OR-3/OR-5/OR-6: the HQ office keeps its region's roster — members of the HQ and task forces, offices,
    # departments' policy consultants (the loader ships the first one; people change posts).
    ORGANISATION_MANAGE = "organisation.manage"
    AUDIT_VIEW = "audit.view"
    WHITELIST_VIEW = "whitelist.view"  # applications, listings, coverage in scope
    WHITELIST_APPLY = "whitelist.apply"  # an enterprise applies for itself
    WHITELIST_REVIEW = "whitelist.review"  # township first check and department decision (level checked per case)
    WHITELIST_CRITERIA = "whitelist.criteria"  # edit and publish the sector's criteria
    WHITELIST_PUBLISH = "whitelist.publish"  # publish batches, confirm removals
    WHITELIST_SPOT_CHECK = "whitelist.spot_check"  # record spot checks, propose removals
    LIAISON_MANAGE = "liaison.manage"  # assign liaison cadres, epidemic officers, medical institutions
    TICKET_FILE = "ticket.file"  # RQ-1: file a request (an enterprise for itself, officials on its behalf)
    TICKET_VIEW = "ticket.view"  # requests in scope
    TICKET_TRIAGE = "ticket.triage"  # RQ-2: the HQ office's queue, assignment, common issues
    TICKET_SUPERVISE = "ticket.supervise"  # RQ-5/RQ-6: verification and 督办 notices
    TICKET_METRICS = "ticket.metrics"  # RQ-7/RQ-8: metrics, ranking and weekly reports (read)
    TICKET_REPORT_BUILD = "ticket.report_build"  # RQ-8: build a weekly report on demand
    EMPLOYEE_VIEW = "employee.view"  # EP-1: employees in scope, ID numbers masked
    EMPLOYEE_MANAGE = "employee.manage"  # EP-1: register and import employees
    ID_REVEAL = "employee.reveal_id"  # EP-1/X-3: see one full ID number, with a purpose, audit-logged
    EMPLOYEE_EXPORT_PROVINCE = "employee.export_province"  # WL-10: the list for the provincial platform
    EPIDEMIC_VIEW = "epidemic.view"  # EP-2…EP-11: reports, codes, arrivals, warnings, venues, incidents in scope
    EPIDEMIC_REPORT = "epidemic.report"  # an enterprise's own epidemic duties: daily report, arrivals, venues, supplies
    EPIDEMIC_MANAGE = "epidemic.manage"  # the task force: risk areas, codes, result/scan/pharmacy imports, incidents
    EPIDEMIC_TRACE = "epidemic.trace"  # EP-7: who shared a venue with a case (personal movements)
    WARNING_HANDLE = "warning.handle"  # EP-6: take and close sentinel warnings in scope
    OPERATIONS_VIEW = "operations.view"  # EN-3: daily operating reports, who has not reported, their warnings
    OPERATIONS_REPORT = "operations.report"  # EN-3: file/correct (an enterprise its own; officials on its behalf)
    OPERATIONS_IMPORT = "operations.import"  # EN-3: file many firms' reports from one .xlsx (township bulk entry)
    # DB-1…DB-4: the command screen of the user's region subtree (roles whose scope is a whole subtree, so every
    # figure equals the list it links to; a sector department's requests are its unit's, not its region's).
    SCREEN_VIEW = "screen.view"
    POLICY_VIEW = "policy.view"  # PO-1…PO-3: policies, matches and the funnel in scope
    POLICY_MANAGE = "policy.manage"  # PO-1/PO-5: write, publish and expire policies, the reserve, links to issues
    POLICY_REVIEW = "policy.review"  # PO-3: approve or decline applications, record the amount paid
    POLICY_FACTS_IMPORT = "policy.facts_import"  # PO-4: import enterprises' policy figures
    POLICY_APPLY = "policy.apply"  # PO-3: an enterprise's 我的政策, its figures, applying
    PARAMETER_MANAGE = "parameter.manage"  # SPEC §1 administrator: set a region's own rule numbers (both states)
    PERSONAL_DATA_PURGE = "personal_data.purge"  # issue 15: "emergency over" purge of the region's personal data
    SHUTDOWN_DECIDE = "shutdown.decide"  # EM-4: approve or refuse a shutdown (≤ 3 days) for its own HQ
    SHUTDOWN_PROPOSE = "shutdown.propose"  # EM-4: a township or department proposes a shutdown
    EMERGENCY_VIEW = "emergency.view"  # EM-1…EM-6: region states, switches, shutdowns, inspections in scope
    EMERGENCY_SWITCH = "emergency.switch"  # EM-2: the HQ office switches its region (一键切换) and names areas
    EMERGENCY_CONFIRM = "emergency.confirm"  # EM-2/EM-5/EM-6: an enterprise's notices, readiness, inspections, record
    INSPECTION_PLAN = "inspection.plan"  # EM-5: townships and departments list planned inspections
    INSPECTION_DECIDE = "inspection.decide"  # EM-5: the HQ office approves or refuses non-exempt inspections
    LOGISTICS_VIEW = "logistics.view"  # LG-1…LG-4: vehicles, drivers (masked), passes, checks and stations in scope
    VEHICLE_MANAGE = "logistics.vehicle_manage"  # LG-1/LG-3/LG-4: a company's vehicles, drivers and receiving point
    PASS_APPLY = "logistics.pass_apply"  # LG-1: the vehicle's company applies for a pass
    PASS_DECIDE = "logistics.pass_decide"  # LG-1: the logistics task force approves, returns, refuses, revokes
    PASS_CHECK = "logistics.pass_check"  # LG-2: check a pass and its driver at a checkpoint
    LOGISTICS_MANAGE = "logistics.manage"  # LG-2/LG-4: checkpoints and transfer stations of the region


_OFFICIAL_READ = {
    Capability.ENTERPRISE_VIEW,
    Capability.ENTERPRISE_EXPORT,
    Capability.ORGANISATION_VIEW,
    Capability.WHITELIST_VIEW,
    Capability.POLICY_VIEW,
}
_POLICY_WORK = {Capability.POLICY_MANAGE, Capability.POLICY_REVIEW, Capability.POLICY_FACTS_IMPORT}
_TICKET_ON_BEHALF = {Capability.TICKET_FILE, Capability.TICKET_VIEW}
_REGISTRY_WRITE = {Capability.ENTERPRISE_CREATE, Capability.ENTERPRISE_CHANGE, Capability.ENTERPRISE_IMPORT}
# EN-3: the township, the sector department (003#三.(一) 生产监测调度) and the HQ office watch the operating
# reports of their area and file them for firms without staff online; the others read them.
_OPERATIONS_ENTRY = {Capability.OPERATIONS_VIEW, Capability.OPERATIONS_REPORT, Capability.OPERATIONS_IMPORT}
# EM-4/EM-5: townships and departments (the epidemic task force is the health commission's) propose shutdowns
# and list planned inspections; the HQ offices decide.
_EMERGENCY_PROPOSE = {
    Capability.EMERGENCY_VIEW,
    Capability.SHUTDOWN_PROPOSE,
    Capability.INSPECTION_PLAN,
}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ENTERPRISE: frozenset(
        {
            Capability.ENTERPRISE_VIEW,
            Capability.ENTERPRISE_CHANGE_OWN,
            Capability.WHITELIST_APPLY,
            Capability.EMPLOYEE_VIEW,
            Capability.EMPLOYEE_MANAGE,
            Capability.EPIDEMIC_VIEW,
            Capability.EPIDEMIC_REPORT,
            Capability.WARNING_HANDLE,
            Capability.OPERATIONS_VIEW,
            Capability.OPERATIONS_REPORT,
            Capability.POLICY_APPLY,
            Capability.EMERGENCY_CONFIRM,
            Capability.LOGISTICS_VIEW,
            Capability.VEHICLE_MANAGE,
            Capability.PASS_APPLY,
        }
        | _TICKET_ON_BEHALF
    ),
    Role.TOWNSHIP: frozenset(
        _OFFICIAL_READ
        | _TICKET_ON_BEHALF
        | _OPERATIONS_ENTRY
        | _EMERGENCY_PROPOSE
        | {
            Capability.WHITELIST_REVIEW,
            Capability.EMPLOYEE_VIEW,
            Capability.EPIDEMIC_VIEW,
            Capability.WARNING_HANDLE,
            Capability.LOGISTICS_VIEW,
        }
    ),
    Role.SECTOR_DEPARTMENT: frozenset(
        _OFFICIAL_READ
        | _REGISTRY_WRITE
        | _TICKET_ON_BEHALF
        | _OPERATIONS_ENTRY
        | _POLICY_WORK
        | _EMERGENCY_PROPOSE
        | {
            Capability.WHITELIST_REVIEW,
            Capability.WHITELIST_CRITERIA,
            Capability.WHITELIST_SPOT_CHECK,
            Capability.EPIDEMIC_VIEW,
            Capability.LOGISTICS_VIEW,
        }
    ),
    Role.HQ_OFFICE: frozenset(
        _OFFICIAL_READ
        | _REGISTRY_WRITE
        | _TICKET_ON_BEHALF
        | _OPERATIONS_ENTRY
        | _POLICY_WORK
        | {
            Capability.ORGANISATION_MANAGE,
            Capability.WHITELIST_PUBLISH,
            Capability.WHITELIST_SPOT_CHECK,
            Capability.LIAISON_MANAGE,
            Capability.TICKET_TRIAGE,
            Capability.TICKET_METRICS,
            Capability.TICKET_REPORT_BUILD,
            Capability.EMPLOYEE_VIEW,
            Capability.EPIDEMIC_VIEW,
            Capability.SHUTDOWN_DECIDE,
            Capability.LOGISTICS_VIEW,
            Capability.SCREEN_VIEW,
            Capability.PERSONAL_DATA_PURGE,
            Capability.EMERGENCY_VIEW,
            Capability.EMERGENCY_SWITCH,
            Capability.INSPECTION_DECIDE,
        }
    ),
    Role.EPIDEMIC_HQ_OFFICE: frozenset(
        _OFFICIAL_READ
        | {
            Capability.TICKET_VIEW,
            Capability.EMPLOYEE_VIEW,
            Capability.EPIDEMIC_VIEW,
            Capability.SHUTDOWN_DECIDE,
            Capability.EMERGENCY_VIEW,
        }
    ),
    Role.EPIDEMIC: frozenset(
        _OFFICIAL_READ
        | {
            Capability.OPERATIONS_VIEW,
            Capability.TICKET_VIEW,
            Capability.EMPLOYEE_VIEW,
            Capability.EMPLOYEE_MANAGE,
            Capability.ID_REVEAL,
            Capability.EMPLOYEE_EXPORT_PROVINCE,
            Capability.EPIDEMIC_VIEW,
            Capability.EPIDEMIC_MANAGE,
            Capability.EPIDEMIC_TRACE,
            Capability.WARNING_HANDLE,
            Capability.SCREEN_VIEW,
            Capability.LOGISTICS_VIEW,  # EP-1: the task force reveals drivers' ID numbers as it does employees'
        }
        | _EMERGENCY_PROPOSE
    ),
    Role.SUPERVISION: frozenset(
        _OFFICIAL_READ
        | {
            Capability.TICKET_VIEW,
            Capability.TICKET_SUPERVISE,
            Capability.TICKET_METRICS,
            Capability.TICKET_REPORT_BUILD,
            Capability.EPIDEMIC_VIEW,
            Capability.OPERATIONS_VIEW,
            Capability.SCREEN_VIEW,
            Capability.EMERGENCY_VIEW,
            Capability.LOGISTICS_VIEW,
        }
    ),
    Role.LEADER: frozenset(
        _OFFICIAL_READ
        | {
            Capability.TICKET_VIEW,
            Capability.TICKET_METRICS,
            Capability.EPIDEMIC_VIEW,
            Capability.OPERATIONS_VIEW,
            Capability.SCREEN_VIEW,
            Capability.EMERGENCY_VIEW,
            Capability.LOGISTICS_VIEW,
        }
    ),
    # LG-1/LG-4: the county 保物流畅通组 decides on passes and keeps the checkpoints and transfer stations; it
    # reads the registry (whom a pass serves) like every official, and may check a pass itself.
    Role.LOGISTICS: frozenset(
        _OFFICIAL_READ
        | {
            Capability.TICKET_VIEW,
            Capability.LOGISTICS_VIEW,
            Capability.PASS_DECIDE,
            Capability.PASS_CHECK,
            Capability.LOGISTICS_MANAGE,
        }
    ),
    # LG-2: an officer at a traffic checkpoint checks passes and drivers; nothing else.
    Role.CHECKPOINT: frozenset({Capability.PASS_CHECK}),
    # EP-1: configuring the platform is no reason to read ID numbers or people's movements; only the
    # epidemic task force reveals and traces. Issue 15: declaring a region's emergency over (and deleting its
    # people's data) is the HQ office's decision for its region, not an administrator's.
    Role.ADMINISTRATOR: frozenset(
        set(Capability.values) - {Capability.ID_REVEAL, Capability.EPIDEMIC_TRACE, Capability.PERSONAL_DATA_PURGE}
    ),
}


def has_capability(user: object, capability: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return capability in ROLE_CAPABILITIES.get(getattr(user, "role", ""), frozenset())
