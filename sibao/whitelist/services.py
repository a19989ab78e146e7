"""Every change to the whitelist goes through here: audit-logged, scope- and state-checked (WL-2…WL-8)."""

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.rules import evaluate, model_field, to_q, validate_rule
from sibao.core.uploads import DOCUMENTS, upload_check
from sibao.core.workflow import perform
from sibao.enterprises.models import Enterprise, OperatingStatus, SupplyChainLink
from sibao.enterprises.rule_fields import FIELDS as ENTERPRISE_FIELDS
from sibao.notifications.services import notify
from sibao.notifications.texts import later
from sibao.organisation.models import Liaison, Person, Unit, UnitKind
from sibao.parameters.registry import WHITELIST_ATTACHMENT_MAX_MB
from sibao.parameters.selectors import parameter_value
from sibao.regions.models import Region
from sibao.whitelist import summaries as coverage_summary
from sibao.whitelist.models import (
    OPEN_APPLICATION_STATES,
    REQUIRED_ATTACHMENTS,
    Application,
    ApplicationState,
    Attachment,
    AttachmentKind,
    Batch,
    ChainFlag,
    Criteria,
    CriteriaStatus,
    Listing,
    Removal,
    RemovalReason,
    SpotCheck,
    SpotCheckResult,
)
from sibao.whitelist.selectors import criteria_in_force, listing_status
from sibao.whitelist.workflows import APPLICATION, REMOVAL, reviewer_refusal, township_check_required

APPLICATION_FIELDS = ("contact_name", "contact_phone", "statement", "measures")


# What an attachment may be: its extension and the first bytes that file type starts with.
def _require(actor: User, capability: str) -> None:
    if not has_capability(actor, capability):
        raise PermissionRefused("permission_denied", _("Your role may not do this."))


def _link(application: Application) -> str:
    return reverse("whitelist:application", args=[application.pk])


# --- WL-2: criteria --------------------------------------------------------------------------------


def _check_criteria_owner(actor: User, region: Region, sector: str) -> None:
    _require(actor, Capability.WHITELIST_CRITERIA)
    if actor.role == Role.ADMINISTRATOR:
        return
    if actor.region_id != region.pk or (actor.sector and actor.sector != sector):
        raise PermissionRefused(
            "whitelist.criteria.forbidden", _("Only the sector department of this region may edit its criteria.")
        )


def criteria_save(
    *,
    actor: User,
    region: Region,
    sector: str,
    title: str,
    rule: Any,
    source: str = "",
    criteria: Criteria | None = None,
) -> Criteria:
    """Save a draft (a published one is never edited in place: publishing a new draft replaces it)."""
    _check_criteria_owner(actor, region, sector)
    errors = validate_rule(rule, ENTERPRISE_FIELDS)
    if errors:
        raise ServiceError("whitelist.criteria.invalid", "；".join(errors), field="rule")
    if not title.strip():
        raise ServiceError("whitelist.criteria.title", _("Give the criteria a title."), field="title")
    with transaction.atomic(), as_actor(actor):
        if criteria is None or criteria.status != CriteriaStatus.DRAFT:
            criteria = Criteria(region=region, sector=sector)
        criteria.title, criteria.rule, criteria.source = title.strip(), rule, source
        criteria.save()
    return criteria


def criteria_publish(*, actor: User, criteria: Criteria) -> Criteria:
    _check_criteria_owner(actor, criteria.region, criteria.sector)
    if criteria.status != CriteriaStatus.DRAFT:
        raise StateRefused("whitelist.criteria.state", _("Only a draft can be published."))
    errors = validate_rule(criteria.rule, ENTERPRISE_FIELDS)  # a draft edited in the admin is checked too
    if errors:
        raise ServiceError("whitelist.criteria.invalid", "；".join(errors), field="rule")
    with transaction.atomic(), as_actor(actor):
        criteria = Criteria.objects.select_for_update().get(pk=criteria.pk)
        if criteria.status != CriteriaStatus.DRAFT:  # someone published it a moment ago
            raise StateRefused("whitelist.criteria.state", _("Only a draft can be published."))
        for old in Criteria.objects.select_for_update().filter(
            region=criteria.region, sector=criteria.sector, status=CriteriaStatus.PUBLISHED
        ):
            old.status = CriteriaStatus.RETIRED
            old.save(update_fields=["status", "updated_at"])
        criteria.status = CriteriaStatus.PUBLISHED
        criteria.published_at = timezone.now()
        criteria.published_by = actor if getattr(actor, "pk", None) else None
        criteria.save()
    return criteria


def criteria_matches(criteria: Criteria, *, today: Any = None) -> Any:
    """Every enterprise in the criteria's region and sector that meets it, in one query (bulk matching)."""
    today = today or timezone.localdate()
    return (
        Enterprise.objects.filter(region__path__startswith=criteria.region.path, sector=criteria.sector)
        .exclude(operating_status=OperatingStatus.DEREGISTERED)  # the same base as coverage
        .filter(to_q(criteria.rule, today=today, fields=ENTERPRISE_FIELDS))
    )


# --- WL-3: application -----------------------------------------------------------------------------


def _clean_fields(data: Mapping[str, Any]) -> dict[str, str]:
    values = {name: str(data.get(name, "") or "").strip() for name in APPLICATION_FIELDS}
    labels = {name: model_field(Application, name).verbose_name for name in APPLICATION_FIELDS}
    for name, value in values.items():
        if not value:
            raise ServiceError(
                "whitelist.application.required", _("%(field)s is required.") % {"field": labels[name]}, field=name
            )
    return values


def precheck(application: Application) -> None:
    """达标即入: evaluate the criteria in force and keep the explanation on the application."""
    criteria = criteria_in_force(application.enterprise)
    application.criteria = criteria
    if criteria is None:
        application.precheck, application.precheck_passed = None, None
        return
    enterprise = (
        Enterprise.objects.prefetch_related("records").select_related("region").get(pk=application.enterprise_id)
    )
    explanation = evaluate(criteria.rule, enterprise, today=timezone.localdate(), fields=ENTERPRISE_FIELDS)
    application.precheck, application.precheck_passed = explanation.as_dict(), explanation.passed


def application_start(*, actor: User, data: Mapping[str, Any]) -> Application:
    _require(actor, Capability.WHITELIST_APPLY)
    enterprise = getattr(actor, "enterprise", None)
    if enterprise is None:
        raise PermissionRefused("whitelist.application.no_enterprise", _("Only an enterprise user may apply."))
    values = _clean_fields(data)
    if Application.objects.filter(enterprise=enterprise, state__in=OPEN_APPLICATION_STATES).exists():
        raise StateRefused("whitelist.application.open", _("This enterprise already has an application in progress."))
    if listing_status(enterprise).listed:
        raise StateRefused("whitelist.application.listed", _("This enterprise is already on the whitelist."))
    flags = list(ChainFlag.objects.filter(enterprise=enterprise).select_related("because_of")[:3])
    application = Application(
        enterprise=enterprise,
        sector=enterprise.sector,
        service_level=enterprise.service_level,
        created_by=actor,
        priority=bool(flags) or enterprise.city_operation,
        priority_reason="；".join(
            [f"链式保障：{flag.because_of.name}的供应链伙伴" for flag in flags]
            + (["城市运行保障企业"] if enterprise.city_operation else [])
        )[:255],
        **values,
    )
    precheck(application)
    try:
        with transaction.atomic(), as_actor(actor):
            application.save()
    except IntegrityError:  # a second start raced the first past the check above
        raise StateRefused(
            "whitelist.application.open", _("This enterprise already has an application in progress.")
        ) from None
    return application


def application_update(*, actor: User, application: Application, data: Mapping[str, Any]) -> Application:
    if APPLICATION.refusal(application, "submit", actor):
        raise StateRefused(
            "whitelist.application.locked",
            _("The application can only be changed before it is submitted or when it was returned."),
        )
    values = _clean_fields(data)
    for name, value in values.items():
        setattr(application, name, value)
    precheck(application)
    with transaction.atomic(), as_actor(actor):
        application.save()
    return application


def attachment_add(*, actor: User, application: Application, kind: str, upload: UploadedFile) -> Attachment:
    if APPLICATION.refusal(application, "submit", actor):
        raise StateRefused("whitelist.application.locked", _("Attachments can only be changed before submission."))
    if kind not in AttachmentKind.values:
        raise ServiceError("whitelist.attachment.kind", _("Choose what the file is."), field="kind")
    limit_mb = parameter_value(WHITELIST_ATTACHMENT_MAX_MB, application.enterprise.region)
    name = upload_check(upload, extensions=DOCUMENTS, max_bytes=int(limit_mb * 2**20), code="whitelist.attachment")
    extension = Path(name).suffix.lower()
    with transaction.atomic(), as_actor(actor):
        if kind != AttachmentKind.OTHER:  # one current file per required kind: a new upload replaces it
            for old in application.attachments.filter(kind=kind):
                stale = old.file
                old.delete()
                # The file goes only once the replacement is committed; a rollback keeps the old one.
                transaction.on_commit(functools.partial(stale.storage.delete, stale.name))
        attachment = Attachment(
            application=application, kind=kind, original_name=name[:200], size=upload.size or 0, uploaded_by=actor
        )
        attachment.file.save(f"{application.pk}{extension}", upload, save=False)
        attachment.save()
    return attachment


def application_submit(*, actor: User, application: Application) -> Application:
    guard = APPLICATION.transition("submit").guard
    refusal = guard(actor, application) if guard else None
    if refusal:  # before the attachment check, so an official is told "forbidden", not "attach files"
        raise PermissionRefused("whitelist.application.submit.forbidden", refusal)
    present = set(application.attachments.values_list("kind", flat=True))
    missing = [str(AttachmentKind(kind).label) for kind in REQUIRED_ATTACHMENTS if kind not in present]
    if missing:
        raise ServiceError(
            "whitelist.application.attachments",
            _("Attach before submitting: %(missing)s.") % {"missing": "、".join(missing)},
            field="attachments",
        )
    precheck(application)  # the enterprise's record may have changed since the draft

    with as_actor(actor):
        return perform(
            APPLICATION,
            application,
            "submit",
            actor=actor,
            changes={
                "submitted_at": timezone.now(),
                "criteria": application.criteria,
                "precheck": application.precheck,
                "precheck_passed": application.precheck_passed,
                "decision_reason": "",
            },
            data={"precheck_passed": application.precheck_passed},
            after=_notify_reviewers,
        )


def _notify_reviewers(locked: Application) -> None:
    """Whoever can act next: the township when it checks first (WL-4), else the department of the level."""
    from sibao.accounts.models import User

    township_first = locked.state == ApplicationState.SUBMITTED and township_check_required(locked)
    role = Role.TOWNSHIP if township_first else Role.SECTOR_DEPARTMENT
    candidates = User.objects.filter(role=role, is_active=True, region__isnull=False).select_related("region")
    reviewers = [user for user in candidates if user.region and user.region.contains(locked.enterprise.region)]
    if not township_first:
        reviewers = [user for user in reviewers if not reviewer_refusal(user, locked)]
    notify(
        topic="whitelist.submitted",
        title=later(gettext_noop("Whitelist application to review: %(enterprise)s"), enterprise=locked.enterprise.name),
        body=""
        if locked.precheck_passed is not False
        else later(gettext_noop("Note: the automatic pre-check failed; see the conditions not met.")),
        link=_link(locked),
        users=reviewers,
    )


# What the enterprise is told of each step (issue 9 #8: translated when read, so stored as msgids).
DECISION_MESSAGES = {
    "township_pass": gettext_noop("Township check passed, sent to the sector department: %(enterprise)s"),
    "township_return": gettext_noop("Application returned by the township for correction: %(enterprise)s"),
    "approve": gettext_noop("Whitelist application approved, awaiting publication: %(enterprise)s"),
    "reject": gettext_noop("Whitelist application not approved: %(enterprise)s"),
    "return": gettext_noop("Whitelist application returned for correction: %(enterprise)s"),
    "withdraw": gettext_noop("Whitelist application withdrawn: %(enterprise)s"),
}


def application_act(*, actor: User, application: Application, action: str, reason: str = "") -> Application:
    """Township check, department decision or withdrawal; the enterprise hears of each in its inbox."""
    if action not in DECISION_MESSAGES:
        raise ServiceError("whitelist.application.unknown_action", _("Unknown action."), field="action")
    decided = action in ("approve", "reject", "return")
    changes: dict[str, Any] = {"decision_reason": reason.strip()}
    if decided:
        changes |= {"decided_at": timezone.now(), "decided_by": actor}

    def tell_enterprise(locked: Application) -> None:
        if action == "township_pass":
            _notify_reviewers(locked)  # now the department can decide
        if action != "withdraw":
            notify(
                topic=f"whitelist.{action}",
                title=later(DECISION_MESSAGES[action], enterprise=locked.enterprise.name),
                body=reason.strip(),
                link=_link(locked),
                enterprise=locked.enterprise,
            )

    with as_actor(actor):
        return perform(
            APPLICATION, application, action, actor=actor, reason=reason, changes=changes, after=tell_enterprise
        )


# --- WL-5: batches, WL-7: chain support ----------------------------------------------------------


def batch_publish(*, actor: User, applications: Iterable[Application], note: str = "") -> Batch:
    """Publish approved applications as the next numbered batch of the HQ office's region (成熟一批、推出一批)."""
    _require(actor, Capability.WHITELIST_PUBLISH)
    region = actor.region
    if actor.role != Role.HQ_OFFICE or region is None:
        raise PermissionRefused("whitelist.batch.forbidden", _("Only the HQ office may publish a batch."))
    chosen = list(applications)
    if not chosen:
        raise ServiceError(
            "whitelist.batch.empty", _("Choose at least one approved application."), field="applications"
        )
    with transaction.atomic(), as_actor(actor):
        Region.objects.select_for_update().get(pk=region.pk)  # numbers are handed out one batch at a time
        number = (Batch.objects.filter(region=region).aggregate(n=Max("number"))["n"] or 0) + 1
        now = timezone.now()
        batch = Batch.objects.create(region=region, number=number, published_at=now, published_by=actor, note=note)
        for application in chosen:
            published = perform(APPLICATION, application, "publish", actor=actor, data={"batch": number})
            Listing.objects.create(
                enterprise=published.enterprise,
                application=published,
                batch=batch,
                sector=published.sector,
                service_level=published.service_level,
                listed_at=now,
            )
            notify(
                topic="whitelist.listed",
                title=later(
                    gettext_noop(
                        "Listed on the Four Guarantees whitelist (%(region)s, batch %(number)d): %(enterprise)s"
                    ),
                    region=batch.region.name,
                    number=batch.number,
                    enterprise=published.enterprise.name,
                ),
                link=_link(published),
                enterprise=published.enterprise,
            )
            _flag_chain_partners(published.enterprise)
        # Issue 10: the coverage summary shows the new listings at once.
        coverage_summary.refresh_enterprises(application.enterprise_id for application in chosen)
    return batch


def _flag_chain_partners(enterprise: Enterprise) -> None:
    """WL-7: key suppliers and customers of a newly listed enterprise get priority review and an invitation."""
    links = SupplyChainLink.objects.filter(is_key=True).filter(supplier=enterprise) | SupplyChainLink.objects.filter(
        is_key=True, customer=enterprise
    )
    partner_ids = {link.customer_id if link.supplier_id == enterprise.pk else link.supplier_id for link in links}
    for partner in Enterprise.objects.filter(pk__in=partner_ids).exclude(
        listings__removed_at__isnull=True, listings__isnull=False
    ):
        _flag, created = ChainFlag.objects.get_or_create(enterprise=partner, because_of=enterprise)
        Application.objects.filter(enterprise=partner, state__in=OPEN_APPLICATION_STATES).update(priority=True)
        if created:
            notify(
                topic="whitelist.chain_invitation",
                title=later(
                    gettext_noop("Invitation to apply: your supply-chain partner %(enterprise)s is on the whitelist"),
                    enterprise=enterprise.name,
                ),
                body=later(gettext_noop("Under chain support, your whitelist application will be reviewed first.")),
                link=reverse("whitelist:apply"),
                enterprise=partner,
            )


# --- WL-8: spot checks and removal -----------------------------------------------------------------


def _check_listing_scope(actor: User, listing: Listing) -> None:
    if not Listing.objects.visible_to(actor).filter(pk=listing.pk).exists():
        raise PermissionRefused("whitelist.listing.forbidden", _("This enterprise is outside your area."))


def spot_check_record(
    *, actor: User, listing: Listing, checked_on: Any, inspectors: str, result: str, findings: str = ""
) -> SpotCheck:
    _require(actor, Capability.WHITELIST_SPOT_CHECK)
    _check_listing_scope(actor, listing)
    if listing.removed_at is not None:
        raise StateRefused("whitelist.spot_check.not_listed", _("This enterprise is no longer on the whitelist."))
    if result not in SpotCheckResult.values:
        raise ServiceError("whitelist.spot_check.result", _("Choose a result."), field="result")
    if not inspectors.strip():
        raise ServiceError("whitelist.spot_check.inspectors", _("Name the inspectors."), field="inspectors")
    if checked_on > timezone.localdate():
        raise ServiceError(
            "whitelist.spot_check.date", _("The check date cannot be in the future."), field="checked_on"
        )
    if result != SpotCheckResult.PASSED and not findings.strip():
        raise ServiceError("whitelist.spot_check.findings", _("Describe what was found."), field="findings")
    with transaction.atomic(), as_actor(actor):
        check = SpotCheck.objects.create(
            listing=listing,
            checked_on=checked_on,
            inspectors=inspectors.strip(),
            result=result,
            findings=findings.strip(),
            recorded_by=actor,
        )
        notify(
            topic="whitelist.spot_check",
            title=later(
                gettext_noop("Whitelist epidemic spot check result: %(result)s"),
                result=SpotCheckResult(check.result).label,
            ),
            body=check.findings,
            enterprise=listing.enterprise,
        )
    return check


def removal_propose(
    *, actor: User, listing: Listing, reason: str, details: str, spot_check: SpotCheck | None = None
) -> Removal:
    _require(actor, Capability.WHITELIST_SPOT_CHECK)
    _check_listing_scope(actor, listing)
    if listing.removed_at is not None:
        raise StateRefused("whitelist.removal.not_listed", _("This enterprise is no longer on the whitelist."))
    if reason not in RemovalReason.values:
        raise ServiceError("whitelist.removal.reason", _("Choose a reason for the removal."), field="reason")
    if not details.strip():
        raise ServiceError("whitelist.removal.details", _("Describe the facts behind the removal."), field="details")
    if spot_check is not None and spot_check.listing_id != listing.pk:
        raise ServiceError(
            "whitelist.removal.spot_check", _("That spot check is of another enterprise."), field="spot_check"
        )
    with transaction.atomic(), as_actor(actor):
        Listing.objects.select_for_update().get(pk=listing.pk)  # one pending proposal at a time
        if Removal.objects.filter(listing=listing, state="proposed").exists():
            raise StateRefused(
                "whitelist.removal.pending", _("A removal of this enterprise is already awaiting decision.")
            )
        return Removal.objects.create(
            listing=listing, spot_check=spot_check, reason=reason, details=details.strip(), proposed_by=actor
        )


def removal_decide(*, actor: User, removal: Removal, action: str, reason: str = "") -> Removal:
    """The HQ office confirms (the enterprise leaves the whitelist, published) or declines a proposal."""

    def apply(locked: Removal) -> None:
        listing = Listing.objects.select_for_update().get(pk=locked.listing_id)
        if action == "confirm":
            listing.removed_at = timezone.now()
            listing.removal_reason = locked.reason
            listing.removal_note = locked.details
            listing.save(update_fields=["removed_at", "removal_reason", "removal_note"])
            coverage_summary.refresh_enterprises([listing.enterprise_id])  # issue 10: shows at once
            notify(
                topic="whitelist.removed",
                title=later(
                    gettext_noop("Removed from the Four Guarantees whitelist: %(enterprise)s"),
                    enterprise=listing.enterprise.name,
                ),
                body=later(
                    gettext_noop("Reason: %(reason)s. %(details)s\nYou may apply again once it is put right."),
                    reason=RemovalReason(locked.reason).label,
                    details=locked.details,
                ),
                enterprise=listing.enterprise,
            )
            # LG-1/WL-9: passes follow the whitelist — those serving only this enterprise are suspended.
            from sibao.logistics.services import passes_follow_removal

            passes_follow_removal(actor=actor, enterprise=listing.enterprise, reason=RemovalReason(locked.reason).label)

    with as_actor(actor):
        return perform(REMOVAL, removal, action, actor=actor, reason=reason, after=apply)


# --- OR-5: liaison --------------------------------------------------------------------------------


def _county_of(region: Region) -> Region:
    codes = region.ancestor_codes()
    return Region.objects.get(code=codes[2]) if len(codes) > 3 else region


def liaison_assign(
    *,
    actor: User,
    enterprise: Enterprise,
    liaison_cadre: Person | None,
    epidemic_officer: Person | None,
    medical_institution: Unit | None,
) -> Liaison:
    _require(actor, Capability.LIAISON_MANAGE)
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionRefused("liaison.forbidden", _("This enterprise is outside your area."))
    if medical_institution is not None and medical_institution.kind != UnitKind.MEDICAL:
        raise ServiceError("liaison.medical", _("Choose a medical institution."), field="medical_institution")
    # Government staff and the institution must serve the enterprise's county (units in it or above it:
    # a city cadre may 包联 too). People without a unit (e.g. the enterprise's own 防疫专员) are accepted.
    county = _county_of(enterprise.region)
    for field, unit in (
        ("liaison_cadre", liaison_cadre.employer if liaison_cadre else None),
        ("epidemic_officer", epidemic_officer.employer if epidemic_officer else None),
        ("medical_institution", medical_institution),
    ):
        if unit is not None and not (county.contains(unit.region) or unit.region.contains(county)):
            raise ServiceError("liaison.region", _("Choose someone serving the enterprise's county."), field=field)
    with transaction.atomic(), as_actor(actor):
        liaison, _created = Liaison.objects.update_or_create(
            enterprise=enterprise,
            defaults={
                "liaison_cadre": liaison_cadre,
                "epidemic_officer": epidemic_officer,
                "medical_institution": medical_institution,
            },
        )
    return liaison
