"""Every write of the policy domain (PO-1…PO-5): policies, enterprises' figures, matching, push, the way of a
match to redemption, reminders and the link from a common issue to the policy it needs."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.models import TransitionLog
from sibao.core.permissions import region_in_scope, require_capability
from sibao.core.roles import Capability, Role
from sibao.core.rules import model_field
from sibao.core.sectors import Sector
from sibao.core.workflow import perform
from sibao.enterprises.models import Enterprise
from sibao.notifications.services import notify, notify_each
from sibao.notifications.texts import later
from sibao.organisation.models import Person, Unit
from sibao.parameters.registry import POLICY_REMINDER_DAYS, POLICY_REMINDER_MAX
from sibao.parameters.selectors import parameter_value, parameters_cached
from sibao.policies import matching
from sibao.policies.formulas import FormulaError
from sibao.policies.models import (
    NOT_YET_APPLIED,
    EnterpriseFacts,
    MatchRun,
    MatchState,
    Policy,
    PolicyCategory,
    PolicyLevel,
    PolicyMatch,
    PolicyNeed,
    PolicyState,
)
from sibao.policies.rule_fields import FACTS
from sibao.policies.workflows import MATCH, POLICY, is_claimant, manages
from sibao.regions.models import Region
from sibao.tickets.models import CommonIssue

# Up to this many enterprises are matched inside the request that changed them; more go to a background run.
INLINE_ENTERPRISES = 20
MAX_AMOUNT = Decimal("1000000000000")
NULL = "\\N"  # COPY's text format
POLICY_TEXT_FIELDS = ("title", "document_number", "issuing_body", "summary", "full_text", "link", "how_to_apply")
POLICY_FIELDS = (
    *POLICY_TEXT_FIELDS,
    "source",
    "level",
    "category",
    "sectors",
    "valid_from",
    "valid_until",
    "eligibility",
    "formula",
    "unit",
    "consultant",
    "reserve",
    "reserve_note",
    "region",
)
REQUIRED = {"title": "title", "issuing_body": "issuing_body"}


def _match_link(match: PolicyMatch | int) -> str:
    return reverse("policies:match", args=[match if isinstance(match, int) else match.pk])


# --- PO-1 / PO-5: the catalogue and the reserve ----------------------------------------------------------


def _policy_values(actor: User, data: Mapping[str, Any], current: Policy | None) -> dict[str, Any]:
    """The checked fields of a policy; each refusal names its field (X-4)."""
    unknown = sorted(set(data) - set(POLICY_FIELDS))
    if unknown:
        raise ServiceError("policies.field", _("This field cannot be set."), field=unknown[0])
    values: dict[str, Any] = {}
    for name in (*POLICY_TEXT_FIELDS, "source", "reserve_note"):
        if name in data:
            values[name] = str(data[name] or "").strip()
    for name, field in REQUIRED.items():
        text = values.get(name, getattr(current, name, "") if current else "")
        if not text:
            label = model_field(Policy, name).verbose_name
            raise ServiceError(f"policies.{field}", _("%(field)s is required.") % {"field": label}, field=field)
    for name in (*POLICY_TEXT_FIELDS, "source", "reserve_note"):
        if name in values:
            limit = getattr(Policy._meta.get_field(name), "max_length", None)
            if limit and len(values[name]) > limit:
                label = model_field(Policy, name).verbose_name
                raise ServiceError(
                    f"policies.{name}",
                    _("%(field)s: at most %(limit)d characters.") % {"field": label, "limit": limit},
                    field=name,
                )
    if "link" in values and values["link"] and not values["link"].startswith(("http://", "https://")):
        raise ServiceError("policies.link", _("The link must start with http:// or https://."), field="link")
    if "level" in data:
        if data["level"] not in PolicyLevel.values:
            raise ServiceError("policies.level", _("Choose the level."), field="level")
        values["level"] = data["level"]
    elif current is None:
        raise ServiceError("policies.level", _("Choose the level."), field="level")
    if "category" in data:
        if data["category"] not in PolicyCategory.values:
            raise ServiceError("policies.category", _("Choose the category."), field="category")
        values["category"] = data["category"]
    elif current is None:
        raise ServiceError("policies.category", _("Choose the category."), field="category")
    if "sectors" in data:
        sectors = list(data["sectors"] or [])
        if any(sector not in Sector.values for sector in sectors):
            raise ServiceError("policies.sectors", _("Choose sectors from the list."), field="sectors")
        values["sectors"] = sorted(set(sectors))
    for name in ("valid_from", "valid_until"):
        if name in data:
            if data[name] is not None and not isinstance(data[name], date):
                raise ServiceError(f"policies.{name}", _("Enter a date."), field=name)
            values[name] = data[name]
    start = values.get("valid_from", current.valid_from if current else None)
    end = values.get("valid_until", current.valid_until if current else None)
    if start and end and end < start:
        raise ServiceError("policies.valid_until", _("The policy cannot end before it starts."), field="valid_until")
    if "eligibility" in data or current is None:
        rule = data.get("eligibility")
        if not rule:
            raise ServiceError("policies.eligibility", _("Give at least one condition."), field="eligibility")
        errors = matching.check_rule(rule)
        if errors:
            raise ServiceError("policies.eligibility", "；".join(errors), field="eligibility")
        values["eligibility"] = rule
    if "formula" in data:
        try:
            matching.check_formula(data["formula"])
        except FormulaError as error:
            raise ServiceError("policies.formula", "；".join(error.errors), field="formula") from None
        values["formula"] = data["formula"] or {}
    if "region" in data or current is None:
        region = data.get("region") or (actor.region if actor.region_id else None)
        if not isinstance(region, Region):
            raise ServiceError("policies.region", _("Choose where the policy applies."), field="region")
        if not region_in_scope(actor, region):
            raise PermissionRefused("policies.region.scope", _("This region is outside your area of responsibility."))
        values["region"] = region
    if "unit" in data:
        unit = data["unit"]
        if unit is not None and (not isinstance(unit, Unit) or not region_in_scope(actor, unit.region)):
            raise ServiceError("policies.unit", _("Choose a department of your region."), field="unit")
        values["unit"] = unit
    elif current is None and actor.unit_id:
        values["unit"] = actor.unit
    if "consultant" in data:
        person = data["consultant"]
        if person is not None and not isinstance(person, Person):
            raise ServiceError("policies.consultant", _("Choose a person."), field="consultant")
        values["consultant"] = person
    if "reserve" in data:
        values["reserve"] = bool(data["reserve"])
    return values


def policy_values_check(actor: User, data: Mapping[str, Any]) -> None:
    """Refuse a new policy's data as ``policy_create`` would (an import checks each row before saving any)."""
    _policy_values(actor, data, None)


def policies_create_many(*, actor: User, rows: list[dict[str, Any]]) -> int:
    """PO-1 import: every row a draft (inside the import's transaction; each was checked already)."""
    for data in rows:
        policy_create(actor=actor, data=data)
    return len(rows)


def policy_create(*, actor: User, data: Mapping[str, Any]) -> Policy:
    """A draft policy (or a reserve policy of the toolbox, PO-5)."""
    require_capability(actor, Capability.POLICY_MANAGE)
    values = _policy_values(actor, data, None)
    with transaction.atomic(), as_actor(actor):
        policy = Policy.objects.create(created_by=actor, **values)
        POLICY.log_creation(policy, actor=actor)
    return policy


def policy_update(*, actor: User, policy: Policy, data: Mapping[str, Any]) -> Policy:
    """Change a policy; a published one is matched again over every enterprise in the background."""
    if not manages(actor, policy):
        raise PermissionRefused("policies.forbidden", _("Only a department of the policy's region may do this."))
    values = _policy_values(actor, data, policy)
    if policy.state == PolicyState.EXPIRED:
        raise StateRefused("policies.update.state", _("An expired policy is no longer changed."))
    with transaction.atomic(), as_actor(actor):
        locked = Policy.objects.select_for_update().get(pk=policy.pk)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save()
        if locked.state == PolicyState.PUBLISHED:
            match_run_start(policy=locked, actor=actor, reason="policy changed")
    return locked


def policy_publish(*, actor: User, policy: Policy) -> Policy:
    """PO-5 "published in one step": the policy applies from today (unless dated) and every enterprise is
    matched in the background; the matched ones are told."""
    if policy.valid_until and policy.valid_until < timezone.localdate():
        raise StateRefused("policies.publish.expired", _("The policy's validity has already ended."))
    now = timezone.now()
    changes = {"published_at": now, "reserve": False, "valid_from": policy.valid_from or timezone.localdate()}

    def after(locked: Policy) -> None:
        match_run_start(policy=locked, actor=actor, reason="published")

    with as_actor(actor):
        return perform(POLICY, policy, "publish", actor=actor, changes=changes, after=after)


def policy_expire(*, actor: User, policy: Policy) -> Policy:
    """End a policy: matches not yet applied for stop counting; applications in progress go on."""

    def after(locked: Policy) -> None:
        PolicyMatch.objects.filter(policy=locked, state__in=NOT_YET_APPLIED, eligible=True).update(eligible=False)

    with as_actor(actor):
        return perform(
            POLICY, policy, "expire", actor=actor, changes={"valid_until": timezone.localdate()}, after=after
        )


def policies_expire_due(today: date) -> int:
    """Periodic: a published policy past its validity ends (system)."""
    count = 0
    for policy in Policy.objects.filter(state=PolicyState.PUBLISHED, valid_until__lt=today):
        with transaction.atomic():
            perform(POLICY, policy, "expire", actor=None, reason=gettext_noop("validity ended"))
            PolicyMatch.objects.filter(policy=policy, state__in=NOT_YET_APPLIED, eligible=True).update(eligible=False)
        count += 1
    return count


# --- PO-4: an enterprise's figures -------------------------------------------------------------------------


def _decimal(value: Any, name: str, *, places: int, top: Decimal) -> Decimal:
    label = model_field(EnterpriseFacts, name).verbose_name
    try:
        number = Decimal(str(value).strip().replace(",", "")) if value not in (None, "") else Decimal("0")
    except InvalidOperation:
        raise ServiceError(
            f"policies.facts.{name}", _("%(field)s: enter a number.") % {"field": label}, field=name
        ) from None
    if not number.is_finite() or number < 0 or number > top:
        raise ServiceError(
            f"policies.facts.{name}",
            _("%(field)s: enter a number from 0 to %(top)s.") % {"field": label, "top": top},
            field=name,
        )
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ServiceError(
            f"policies.facts.{name}",
            _("%(field)s: at most %(places)d decimal places.") % {"field": label, "places": places},
            field=name,
        )
    return number


def facts_clean(data: Mapping[str, Any]) -> dict[str, Any]:
    """The single-record validator of an enterprise's policy figures (form, API and import alike)."""
    unknown = sorted(set(data) - {*FACTS, "data_year"})
    if unknown:
        raise ServiceError("policies.facts.field", _("This field cannot be set."), field=unknown[0])
    values: dict[str, Any] = {}
    for name, value in data.items():
        label = model_field(EnterpriseFacts, name).verbose_name
        if name in ("ui_insured", "tax_hardship"):
            if not isinstance(value, bool):
                raise ServiceError(f"policies.facts.{name}", _("%(field)s: yes or no.") % {"field": label}, field=name)
            values[name] = value
        elif name == "layoff_rate":
            values[name] = _decimal(value, name, places=2, top=Decimal("100"))
        elif name in ("ui_contributions", "booth_cost", "tax_deferral_amount", "monthly_toll"):
            values[name] = _decimal(value, name, places=2, top=MAX_AMOUNT)
        else:
            top = {"data_year": 2100, "tax_deferral_months": 36}.get(name, 100000)
            number = _decimal(value, name, places=0, top=Decimal(top))
            if name == "data_year" and value in (None, ""):
                values[name] = None
                continue
            if name == "data_year" and number < 2000:
                raise ServiceError("policies.facts.data_year", _("Enter a year such as 2021."), field="data_year")
            values[name] = int(number)
    return values


def facts_save(*, actor: User, enterprise: Enterprise, data: Mapping[str, Any]) -> EnterpriseFacts:
    """The enterprise enters its own figures, or a department in scope corrects them; its matches follow at once."""
    if actor.role == Role.ENTERPRISE:
        require_capability(actor, Capability.POLICY_APPLY)
        if actor.enterprise_id != enterprise.pk:
            raise PermissionRefused("policies.facts.forbidden", _("You can only change your own enterprise."))
    else:
        require_capability(actor, Capability.POLICY_FACTS_IMPORT)
        if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
            raise PermissionRefused("policies.facts.forbidden", _("This enterprise is outside your responsibility."))
    values = facts_clean(data)
    with transaction.atomic(), as_actor(actor):
        facts, _created = EnterpriseFacts.objects.select_for_update().get_or_create(enterprise=enterprise)
        for name, value in values.items():
            setattr(facts, name, value)
        facts.updated_by = actor if getattr(actor, "pk", None) else None
        facts.save()
        match_refresh_enterprises([enterprise.pk])
    return facts


def facts_save_many(*, actor: User, rows: list[tuple[Enterprise, dict[str, Any]]]) -> int:
    """The import's save (inside its transaction): every row was checked with ``facts_clean``."""
    require_capability(actor, Capability.POLICY_FACTS_IMPORT)
    with as_actor(actor):
        for enterprise, values in rows:
            facts, _created = EnterpriseFacts.objects.get_or_create(enterprise=enterprise)
            for name, value in values.items():
                setattr(facts, name, value)
            facts.updated_by = actor
            facts.save()
        match_refresh_enterprises([enterprise.pk for enterprise, _values in rows], actor=actor)
    return len(rows)


# --- PO-2: matching ----------------------------------------------------------------------------------------


def _published_programs(today: date) -> list[matching.Program]:
    """Every published policy compiled. Only their versions are read when this process has compiled them
    already: one enterprise's recompute (PO-2, issue 14's 200 ms) need not load 200 policies' texts."""
    versions = list(Policy.objects.filter(state=PolicyState.PUBLISHED).order_by("pk").values_list("pk", "updated_at"))
    found = {pk: matching.cached_program(pk, updated_at, today) for pk, updated_at in versions}
    missing = [pk for pk, prog in found.items() if prog is None]
    if missing:
        for policy in Policy.objects.filter(pk__in=missing).select_related("region"):
            found[policy.pk] = matching.program(policy, today)
    return [prog for prog in found.values() if prog is not None]


def match_refresh_enterprises(enterprise_ids: Iterable[int], *, actor: User | None = None) -> None:
    """Enterprise data changed (PO-2): a few enterprises are matched at once, in the caller's transaction;
    many (an import) in a background run."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return
    if len(ids) > INLINE_ENTERPRISES:
        match_run_start(policy=None, actor=actor, reason="enterprises changed", enterprise_ids=ids)
        return
    today, now = timezone.localdate(), timezone.now()
    programs = _published_programs(today)
    parameters = matching.ParameterValues()
    with transaction.atomic(), parameters_cached():
        for enterprise_id in ids:
            try:
                enterprise = matching.annotated_enterprise(enterprise_id)
            except Enterprise.DoesNotExist:
                continue
            found = matching.enterprise_candidates(enterprise, programs, today=today, parameters=parameters)
            existing = PolicyMatch.objects.filter(enterprise_id=enterprise_id)
            _apply(existing, {(pid, enterprise_id): amount for pid, amount in found.items()}, now)


def enterprise_changed(enterprise_ids: Iterable[int]) -> None:
    """The enterprises app's change hook (``enterprise_change_listeners`` on the AppConfig)."""
    match_refresh_enterprises(enterprise_ids)


def match_refresh_policy(
    policy: Policy, *, today: date, now: datetime, enterprise_ids: list[int] | None = None, push: bool = True
) -> tuple[int, int, int]:
    """One policy over every enterprise (or the given ones), set-based: (matches, new, no longer eligible)."""
    prog = matching.program(policy, today)
    in_sql = matching.candidates_sql(prog, today=today, enterprise_ids=enterprise_ids)
    if in_sql is not None:
        with transaction.atomic():
            return _apply_in_sql(policy.pk, in_sql, enterprise_ids, now, push=push)
    found = matching.candidates(prog, today=today, enterprise_ids=enterprise_ids)
    existing = PolicyMatch.objects.filter(policy=policy)
    if enterprise_ids is not None:
        existing = existing.filter(enterprise_id__in=enterprise_ids)
    with transaction.atomic():
        added, removed = _apply(existing, {(policy.pk, eid): amount for eid, amount in found.items()}, now, push=push)
    return len(found), added, removed


def _apply(
    existing: Any, found: dict[tuple[int, int], Decimal | None], now: datetime, *, push: bool = True
) -> tuple[int, int]:
    """Write the difference between the matches found and those stored: new ones (then pushed), amounts,
    eligibility. Returns (added, removed)."""
    rows = existing.values_list("pk", "policy_id", "enterprise_id", "eligible", "estimated_amount")
    stored = {
        (policy_id, enterprise_id): (pk, eligible, amount) for pk, policy_id, enterprise_id, eligible, amount in rows
    }
    lost = [pk for key, (pk, eligible, _amount) in stored.items() if eligible and key not in found]
    regained: list[int] = []
    amounts: list[tuple[int, Decimal | None]] = []
    new: list[tuple[int, int, Decimal | None]] = []
    for key, amount in found.items():
        current = stored.get(key)
        if current is None:
            new.append((key[0], key[1], amount))
            continue
        pk, eligible, stored_amount = current
        if not eligible:
            regained.append(pk)
        if stored_amount != amount:
            amounts.append((pk, amount))
    for start in range(0, len(lost), 5000):
        PolicyMatch.objects.filter(pk__in=lost[start : start + 5000]).update(eligible=False)
    for start in range(0, len(regained), 5000):
        PolicyMatch.objects.filter(pk__in=regained[start : start + 5000]).update(eligible=True)
    _set_amounts(amounts)
    if new:
        _insert(new, now)
        if push:
            keys = {(policy_id, enterprise_id) for policy_id, enterprise_id, _amount in new}
            policy_ids = {key[0] for key in keys}
            enterprise_ids = {key[1] for key in keys}
            fresh = PolicyMatch.objects.filter(
                policy_id__in=policy_ids, enterprise_id__in=enterprise_ids, state=MatchState.MATCHED
            ).values_list("pk", "policy_id", "enterprise_id")
            matches_push([pk for pk, policy_id, enterprise_id in fresh if (policy_id, enterprise_id) in keys], now=now)
    return len(new), len(lost)


def _apply_in_sql(
    policy_id: int, found: tuple[str, list[Any]], enterprise_ids: list[int] | None, now: datetime, *, push: bool
) -> tuple[int, int, int]:
    """``_apply`` in one statement (PostgreSQL, PO-2): the matches found are compared with those stored in the
    database, so a policy over 100,000 enterprises moves no row through Python (issue 14's full recompute).
    Same outcome as ``_apply``: no longer eligible, eligible again and changed amounts updated, new matches
    inserted (then pushed). Returns (matches, added, removed)."""
    found_sql, found_params = found
    scope, scope_params = ("", []) if enterprise_ids is None else ("AND m.enterprise_id = ANY(%s)", [enterprise_ids])
    # One pass over the policy's stored matches: the full join keeps only the rows that change (usually few).
    # Every write names the policy, so that no plan walks the whole table (a merge join on the primary key
    # did, once per policy, when the changes were many).
    sql = f"""
        WITH found (enterprise_id, amount) AS MATERIALIZED ({found_sql}),
        stored AS (
            SELECT m.id, m.enterprise_id, m.eligible, m.estimated_amount FROM policies_policymatch AS m
            WHERE m.policy_id = %s {scope}
        ),
        diff AS MATERIALIZED (
            SELECT f.enterprise_id AS found_id, f.amount, s.id AS stored_id
            FROM found AS f FULL JOIN stored AS s ON s.enterprise_id = f.enterprise_id
            WHERE (f.enterprise_id IS NULL AND s.eligible)
               OR s.id IS NULL
               OR (f.enterprise_id IS NOT NULL AND (NOT s.eligible OR s.estimated_amount IS DISTINCT FROM f.amount))
        ),
        lost AS (
            UPDATE policies_policymatch AS m SET eligible = false
            WHERE m.policy_id = %s AND m.id IN (SELECT d.stored_id FROM diff AS d WHERE d.found_id IS NULL)
            RETURNING 1
        ),
        kept AS (
            UPDATE policies_policymatch AS m SET eligible = true, estimated_amount = d.amount
            FROM diff AS d
            WHERE m.policy_id = %s AND m.enterprise_id = d.found_id AND d.stored_id IS NOT NULL
            RETURNING 1
        ),
        added AS (
            INSERT INTO policies_policymatch (policy_id, enterprise_id, state, eligible, estimated_amount,
                matched_at, application_note, decline_reason, reminders)
            SELECT %s, d.found_id, %s, true, d.amount, %s, '', '', 0 FROM diff AS d WHERE d.stored_id IS NULL
            ON CONFLICT ON CONSTRAINT policy_match_once DO NOTHING
            RETURNING id
        )
        SELECT (SELECT count(*) FROM found), (SELECT count(*) FROM lost), (SELECT count(*) FROM kept),
            ARRAY(SELECT id FROM added ORDER BY id)
    """
    params = [*found_params, policy_id, *scope_params, policy_id, policy_id, policy_id, MatchState.MATCHED, now]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        matched, removed, _changed, new_ids = cursor.fetchone()
    if new_ids and push:
        matches_push(list(new_ids), now=now)
    return matched, len(new_ids), removed


def _set_amounts(amounts: list[tuple[int, Decimal | None]]) -> None:
    if not amounts:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for start in range(0, len(amounts), 5000):
                chunk = amounts[start : start + 5000]
                values = ", ".join(["(%s, %s::numeric)"] * len(chunk))
                cursor.execute(
                    "UPDATE policies_policymatch AS m SET estimated_amount = v.amount FROM (VALUES "
                    + values
                    + ") AS v(id, amount) WHERE m.id = v.id",
                    [item for pair in chunk for item in pair],
                )
        return
    PolicyMatch.objects.bulk_update(
        [PolicyMatch(pk=pk, estimated_amount=amount) for pk, amount in amounts], ["estimated_amount"], batch_size=500
    )


def _insert(rows: list[tuple[int, int, Decimal | None]], now: datetime) -> None:
    """New matches: COPY on PostgreSQL (a first match of a policy over a province is tens of thousands of rows)."""
    if connection.vendor == "postgresql":
        stamp = now.isoformat()
        with (
            connection.cursor() as cursor,
            cursor.copy(
                "COPY policies_policymatch (policy_id, enterprise_id, state, eligible, estimated_amount, matched_at, "
                "application_note, decline_reason, reminders) FROM STDIN"
            ) as copy,
        ):
            for start in range(0, len(rows), 20000):
                lines = [
                    f"{policy_id}\t{enterprise_id}\tmatched\tt\t{NULL if amount is None else amount}\t{stamp}\t\t\t0\n"
                    for policy_id, enterprise_id, amount in rows[start : start + 20000]
                ]
                copy.write("".join(lines).encode())
        return
    PolicyMatch.objects.bulk_create(
        [
            PolicyMatch(policy_id=policy_id, enterprise_id=enterprise_id, estimated_amount=amount, matched_at=now)
            for policy_id, enterprise_id, amount in rows
        ],
        batch_size=1000,
    )


def match_run_start(
    *, policy: Policy | None, actor: User | None, reason: str, enterprise_ids: list[int] | None = None
) -> MatchRun:
    """A background matching run, enqueued once the caller's transaction commits (progress on the policy page)."""
    from sibao.policies.tasks import run_matching

    run = MatchRun.objects.create(
        policy=policy,
        enterprise_ids=enterprise_ids or [],
        reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
        queued_at=timezone.now(),
    )
    transaction.on_commit(lambda: run_matching.enqueue(run.pk))
    return run


def match_run_execute(run_id: int) -> MatchRun:
    """The task body: idempotent; one runner at a time (``core.jobs``)."""
    from sibao.core.jobs import DONE, FAILED, ProgressWriter, claim, finish, run_lock

    with run_lock(MatchRun, run_id) as lock:
        if not lock.held or not claim(MatchRun, run_id):
            return MatchRun.objects.get(pk=run_id)
        run = MatchRun.objects.select_related("policy__region").get(pk=run_id)
        progress = ProgressWriter(MatchRun, run_id, lock)
        try:
            totals = _execute(run, progress)
        except Exception:
            with transaction.atomic():
                finish(MatchRun, run_id, status=FAILED, error=_("Matching failed unexpectedly; it will run again."))
            raise
        with transaction.atomic():
            matched, added, removed = totals
            finish(MatchRun, run_id, status=DONE, progress=100, matched=matched, added=added, removed=removed)
            if run.policy_id:
                Policy.objects.filter(pk=run.policy_id).update(matched_at=timezone.now())
        lock.finished = True  # a finished run's lock file goes with it (SQLite), as imports' do
    return MatchRun.objects.get(pk=run_id)


def _execute(run: MatchRun, progress: Any) -> tuple[int, int, int]:
    today, now = timezone.localdate(), timezone.now()
    policies = (
        [run.policy]
        if run.policy is not None
        else list(Policy.objects.filter(state=PolicyState.PUBLISHED).select_related("region"))
    )
    ids = list(run.enterprise_ids) or None
    totals = [0, 0, 0]
    with parameters_cached():
        for index, policy in enumerate(policies):
            progress(100 * index // max(len(policies), 1))
            if policy.state != PolicyState.PUBLISHED:
                continue
            for position, figure in enumerate(match_refresh_policy(policy, today=today, now=now, enterprise_ids=ids)):
                totals[position] += figure
    return totals[0], totals[1], totals[2]


def match_refresh_all(*, now: datetime | None = None, push: bool = True) -> tuple[int, int, int]:
    """Every published policy over every enterprise, in this process (bench, command, tests)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    totals = [0, 0, 0]
    with parameters_cached():
        for policy in Policy.objects.filter(state=PolicyState.PUBLISHED).select_related("region"):
            for position, figure in enumerate(match_refresh_policy(policy, today=today, now=now, push=push)):
                totals[position] += figure
    return totals[0], totals[1], totals[2]


# --- PO-3: push, seen, apply, approve, redeem, decline ----------------------------------------------------


def matches_push(match_ids: list[int], *, now: datetime | None = None) -> int:
    """Tell the enterprises of new matches (inbox and channels), set-based: one state change and history row
    per match, one message per match."""
    if not match_ids:
        return 0
    now = now or timezone.now()
    content_type = ContentType.objects.get_for_model(PolicyMatch)
    pushed = 0
    for start in range(0, len(match_ids), 2000):
        chunk = match_ids[start : start + 2000]
        with transaction.atomic():
            rows = list(
                PolicyMatch.objects.select_for_update()
                .filter(pk__in=chunk, state=MatchState.MATCHED)
                .select_related("policy", "enterprise")
            )
            if not rows:
                continue
            PolicyMatch.objects.filter(pk__in=[row.pk for row in rows], state=MatchState.MATCHED).update(
                state=MatchState.PUSHED, pushed_at=now
            )
            TransitionLog.objects.bulk_create(
                [
                    TransitionLog(
                        content_type=content_type,
                        object_id=row.pk,
                        workflow=MATCH.name,
                        action="push",
                        from_state=MatchState.MATCHED,
                        to_state=MatchState.PUSHED,
                        at=now,
                    )
                    for row in rows
                ]
            )
            notify_each(
                topic="policies.matched",
                messages=(
                    (
                        row.enterprise,
                        later(gettext_noop("A policy you may claim: %(title)s"), title=row.policy.title),
                        later(gettext_noop("Estimated amount: %(amount)s yuan."), amount=str(row.estimated_amount))
                        if row.estimated_amount is not None
                        else "",
                        _match_link(row),
                    )
                    for row in rows
                ),
            )
            pushed += len(rows)
    return pushed


def match_see(*, actor: User, match: PolicyMatch) -> PolicyMatch:
    """The enterprise opened its match (the funnel's "seen"); nothing happens for anyone else."""
    if match.state != MatchState.PUSHED or not is_claimant(actor, match):
        return match
    with as_actor(actor):
        try:
            return perform(MATCH, match, "see", actor=actor, changes={"seen_at": timezone.now()})
        except StateRefused:
            return PolicyMatch.objects.get(pk=match.pk)


def _reviewers(match: PolicyMatch) -> list[Any]:
    from sibao.accounts.models import User

    policy = match.policy
    if policy.unit_id:
        users = list(User.objects.filter(unit_id=policy.unit_id, is_active=True))
        if users:
            return users
    region = match.enterprise.region
    county = region.ancestor_codes()[:3]
    return list(User.objects.filter(role=Role.HQ_OFFICE, region__code__in=county, is_active=True))


def match_apply(*, actor: User, match: PolicyMatch, note: str = "") -> PolicyMatch:
    """The enterprise applies (申报) for a policy it qualifies for."""
    require_capability(actor, Capability.POLICY_APPLY)
    if not match.eligible:
        raise StateRefused(
            "policies.match.apply.eligible", _("Your enterprise no longer meets this policy's conditions.")
        )
    note = note.strip()
    if len(note) > 2000:
        raise ServiceError("policies.match.note", _("At most 2,000 characters."), field="note")
    now = timezone.now()

    def after(locked: PolicyMatch) -> None:
        notify(
            topic="policies.applied",
            title=later(
                gettext_noop("Application for “%(policy)s” from %(enterprise)s"),
                policy=locked.policy.title,
                enterprise=locked.enterprise.name,
            ),
            body=note,
            link=_match_link(locked),
            users=_reviewers(locked),
        )

    changes = {"applied_at": now, "application_note": note, "seen_at": match.seen_at or now}
    with as_actor(actor):
        return perform(MATCH, match, "apply", actor=actor, changes=changes, after=after)


def _amount(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, AttributeError):
        raise ServiceError(f"policies.match.{field}", _("Enter the amount in yuan."), field=field) from None
    if not number.is_finite() or number <= 0 or number >= MAX_AMOUNT or number != number.quantize(Decimal("0.01")):
        raise ServiceError(
            f"policies.match.{field}", _("Enter an amount above 0 yuan with at most two decimals."), field=field
        )
    return number


def match_approve(*, actor: User, match: PolicyMatch, amount: Any = None, note: str = "") -> PolicyMatch:
    """The department approves the application, with the amount granted (the estimate unless given)."""
    require_capability(actor, Capability.POLICY_REVIEW)
    granted = _amount(amount, "amount") if amount not in (None, "") else match.estimated_amount
    if granted is None:
        raise ServiceError("policies.match.amount", _("Enter the amount granted."), field="amount")

    def after(locked: PolicyMatch) -> None:
        notify(
            topic="policies.approved",
            title=later(gettext_noop("Your application for “%(policy)s” is approved"), policy=locked.policy.title),
            body=later(gettext_noop("Amount granted: %(amount)s yuan."), amount=str(granted)),
            link=_match_link(locked),
            enterprise=locked.enterprise,
        )

    with as_actor(actor):
        return perform(
            MATCH,
            match,
            "approve",
            actor=actor,
            reason=note,
            changes={"approved_at": timezone.now(), "approved_amount": granted},
            data={"amount": str(granted)},
            after=after,
        )


def match_redeem(*, actor: User, match: PolicyMatch, amount: Any) -> PolicyMatch:
    """兑现: the amount actually paid (or the tax actually deferred)."""
    require_capability(actor, Capability.POLICY_REVIEW)
    paid = _amount(amount, "amount")

    def after(locked: PolicyMatch) -> None:
        notify(
            topic="policies.redeemed",
            title=later(
                gettext_noop("“%(policy)s” has been paid: %(amount)s yuan"),
                policy=locked.policy.title,
                amount=str(paid),
            ),
            link=_match_link(locked),
            enterprise=locked.enterprise,
        )

    with as_actor(actor):
        return perform(
            MATCH,
            match,
            "redeem",
            actor=actor,
            changes={"redeemed_at": timezone.now(), "redeemed_amount": paid},
            data={"amount": str(paid)},
            after=after,
        )


def match_decline(*, actor: User, match: PolicyMatch, reason: str) -> PolicyMatch:
    require_capability(actor, Capability.POLICY_REVIEW)

    def after(locked: PolicyMatch) -> None:
        notify(
            topic="policies.declined",
            title=later(gettext_noop("Your application for “%(policy)s” was declined"), policy=locked.policy.title),
            body=reason.strip(),
            link=_match_link(locked),
            enterprise=locked.enterprise,
        )

    with as_actor(actor):
        return perform(
            MATCH,
            match,
            "decline",
            actor=actor,
            reason=reason,
            changes={"declined_at": timezone.now(), "decline_reason": reason.strip()},
            after=after,
        )


def reminders_send(now: datetime) -> int:
    """PO-3: an enterprise told of a policy but not applied after N days (``policies.reminder_days`` of its
    region) is reminded, again every N days, at most ``policies.reminder_max`` times."""
    sent = 0
    candidates = (
        PolicyMatch.objects.filter(state__in=(MatchState.PUSHED, MatchState.SEEN), eligible=True)
        .filter(policy__state=PolicyState.PUBLISHED)
        .select_related("policy", "enterprise__region")
    )
    with parameters_cached():
        for match in candidates.iterator(chunk_size=2000):
            region = match.enterprise.region
            days = parameter_value(POLICY_REMINDER_DAYS, region)
            if match.reminders >= parameter_value(POLICY_REMINDER_MAX, region):
                continue
            since = match.reminded_at or match.pushed_at
            if since is None or now - since < timedelta(days=days):
                continue
            with transaction.atomic():
                updated = PolicyMatch.objects.filter(pk=match.pk, reminders=match.reminders).update(
                    reminded_at=now, reminders=match.reminders + 1
                )
                if not updated:
                    continue
                notify(
                    topic="policies.reminder",
                    title=later(
                        gettext_noop("Reminder: you have not yet applied for “%(title)s”"), title=match.policy.title
                    ),
                    body=later(gettext_noop("Estimated amount: %(amount)s yuan."), amount=str(match.estimated_amount))
                    if match.estimated_amount is not None
                    else "",
                    link=_match_link(match),
                    enterprise=match.enterprise,
                )
            sent += 1
    return sent


# --- PO-5 / RQ-2: a common issue needs a policy ------------------------------------------------------------


def policy_need_link(*, actor: User, common_issue: CommonIssue, policy: Policy, note: str = "") -> PolicyNeed:
    require_capability(actor, Capability.POLICY_MANAGE)
    if not CommonIssue.objects.visible_to(actor).filter(pk=common_issue.pk).exists():
        raise PermissionRefused("policies.need.forbidden", _("This common issue is outside your area."))
    if not manages(actor, policy):
        raise PermissionRefused("policies.need.forbidden", _("Only a department of the policy's region may do this."))
    if PolicyNeed.objects.filter(common_issue=common_issue, policy=policy).exists():
        raise StateRefused("policies.need.exists", _("This common issue is already linked to this policy."))
    with transaction.atomic(), as_actor(actor):
        return PolicyNeed.objects.create(
            common_issue=common_issue, policy=policy, note=note.strip()[:255], linked_by=actor
        )


def policy_need_unlink(*, actor: User, need: PolicyNeed) -> None:
    require_capability(actor, Capability.POLICY_MANAGE)
    if not manages(actor, need.policy):
        raise PermissionRefused("policies.need.forbidden", _("Only a department of the policy's region may do this."))
    with transaction.atomic(), as_actor(actor):
        need.delete()
