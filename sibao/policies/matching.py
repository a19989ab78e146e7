"""政策找企 (PO-2): which enterprises a policy is for, and how much each may claim (PO-4). Reads only.

Two ways to the same answer (the rule engine holds ``evaluate`` and ``to_q`` to one meaning):

- **one policy over every enterprise, set-based**: ``candidates`` filters the annotated enterprises with the
  rule's ``to_q`` in the database and computes the amount of each match from the few columns its formula reads;
- **one enterprise against every policy**: ``enterprise_candidates`` reads the enterprise once (annotated, with
  its records) and evaluates each policy's rule in Python — no query per policy.

The writes (new matches, no longer eligible, amounts) are ``services.match_refresh_*``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q

from sibao.core.rules import Explanation, evaluate, passes, to_q, validate_rule
from sibao.parameters.registry import DEFINITIONS
from sibao.parameters.selectors import overrides, parameter_value_at
from sibao.policies.formulas import Computation, Formula, FormulaError, compile_formula, compute, explain, to_sql
from sibao.policies.models import Policy, PolicyState
from sibao.policies.rule_fields import ANNOTATIONS, FIELDS, rule_field_names, subjects, value_of


def parameter_lookup(key: str) -> tuple[str, str] | None:
    """A numeric parameter a formula may name (label, unit), or None."""
    spec = DEFINITIONS.get(key)
    if spec is None or spec.kind not in ("int", "decimal"):
        return None
    return str(spec.label), str(spec.unit)


def check_formula(data: Any) -> Formula | None:
    """The compiled formula, None for no formula; FormulaError when it may not be saved."""
    if not data:
        return None
    return compile_formula(data, FIELDS, parameter_lookup)


def check_rule(rule: Any) -> list[str]:
    return validate_rule(rule, FIELDS)


@dataclass(frozen=True)
class Program:
    """A policy ready to match: its rule, its compiled formula and the fields both read."""

    policy_id: int
    region_path: str
    sectors: tuple[str, ...]
    rule: Any
    formula: Formula | None
    fields: frozenset[str]  # rule and formula fields (the annotations to add)
    formula_fields: tuple[str, ...]
    parameters: tuple[str, ...]
    in_force: bool

    def applies_q(self) -> Q:
        condition = Q(region__path__startswith=self.region_path)
        if self.sectors:
            condition &= Q(sector__in=list(self.sectors))
        return condition

    def applies_to(self, region_path: str, sector: str) -> bool:
        return region_path.startswith(self.region_path) and (not self.sectors or sector in self.sectors)


_programs: dict[tuple[int, Any, Any], Program] = {}


def in_force(policy: Policy, today: date) -> bool:
    return (
        policy.state == PolicyState.PUBLISHED
        and (policy.valid_from is None or policy.valid_from <= today)
        and (policy.valid_until is None or policy.valid_until >= today)
    )


_checked: dict[tuple[int, Any], tuple[Formula | None, bool]] = {}


def _compiled(policy: Policy) -> tuple[Formula | None, bool]:
    """The policy's compiled formula and whether its rule is valid, kept per version (not per day like the
    programs): a new day's first recompute does not compile every policy again."""
    key = (policy.pk, policy.updated_at)
    found = _checked.get(key)
    if found is not None:
        return found
    try:
        formula = check_formula(policy.formula)
    except FormulaError:
        formula = None  # refused on save; an old row that no longer compiles matches without an amount
    if len(_checked) > 2000:
        _checked.clear()
    found = _checked[key] = (formula, not check_rule(policy.eligibility))
    return found


def cached_program(policy_id: int, updated_at: Any, today: date) -> Program | None:
    """The policy's compiled program if this process has it for this version and day (no query)."""
    return _programs.get((policy_id, updated_at, today))


def program(policy: Policy, today: date) -> Program:
    """The policy compiled (cached while it is unchanged)."""
    key = (policy.pk, policy.updated_at, today)
    found = _programs.get(key)
    if found is not None:
        return found
    formula, rule_valid = _compiled(policy)
    formula_fields = tuple(sorted(formula.fields_used(FIELDS))) if formula else ()
    compiled = Program(
        policy_id=policy.pk,
        region_path=policy.region.path,
        sectors=tuple(policy.sectors or ()),
        rule=policy.eligibility,
        formula=formula,
        fields=frozenset(rule_field_names(policy.eligibility)) | frozenset(formula_fields),
        formula_fields=formula_fields,
        parameters=tuple(sorted(formula.parameters_used())) if formula else (),
        in_force=in_force(policy, today) and rule_valid,
    )
    if len(_programs) > 2000:
        _programs.clear()
    _programs[key] = compiled
    return compiled


class ParameterValues:
    """Parameter values per region path, read once per (key, path) in a run."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str], Any] = {}

    def __call__(self, key: str, path: str) -> Any:
        found = self._found.get((key, path))
        if found is None:
            found = self._found[(key, path)] = parameter_value_at(key, path)
        return found


def amount(prog: Program, inputs: dict[str, Any], path: str, parameters: ParameterValues) -> Decimal | None:
    if prog.formula is None:
        return None
    for key in prog.parameters:
        inputs[key] = parameters(key, path)
    return compute(prog.formula, inputs)


Progress = Callable[[int], None]


def _rows(prog: Program, *, today: date, enterprise_ids: Iterable[int] | None) -> Any:
    # ``.order_by()``: the enterprises' default order (by name) would sort every candidate set for nothing.
    rows = (
        subjects(set(prog.fields))
        .filter(prog.applies_q())
        .filter(to_q(prog.rule, today=today, fields=FIELDS))
        .order_by()
    )
    if enterprise_ids is not None:
        rows = rows.filter(pk__in=list(enterprise_ids))
    return rows


def candidates_sql(
    prog: Program,
    *,
    today: date,
    enterprise_ids: Iterable[int] | None = None,
    parameters: ParameterValues | None = None,
) -> tuple[str, list[Any]] | None:
    """PostgreSQL: one ``SELECT enterprise id, amount`` of the enterprises the policy is for now, the amounts
    computed by the database in exact ``numeric`` (``formulas.to_sql``), so that the caller writes the
    difference with the stored matches in the database (PO-2's full recompute moves no row through Python).
    None where the amounts need Python: another database, or a region overriding one of the formula's
    parameters (their values are then not the same everywhere)."""
    ids = None if enterprise_ids is None else list(enterprise_ids)
    if connection.vendor != "postgresql" or not prog.in_force or ids == []:
        return None  # (no enterprise at all: Django cannot write the SQL of an empty IN)
    if any(overrides(key) for key in prog.parameters):
        return None
    rows = _rows(prog, today=today, enterprise_ids=ids)
    if prog.formula is None:
        sql, params = rows.values("pk").query.sql_with_params()
        return f"SELECT c.id, NULL::numeric FROM ({sql}) AS c(id)", list(params)
    parameters = parameters or ParameterValues()
    # Django lists a values() query's model columns before its annotations: name them in that order.
    plain = [name for name in prog.formula_fields if FIELDS[name].lookup not in ANNOTATIONS]
    annotated = [name for name in prog.formula_fields if FIELDS[name].lookup in ANNOTATIONS]
    order = [*plain, *annotated]
    sql, params = rows.values("pk", *(FIELDS[name].lookup for name in order)).query.sql_with_params()
    aliases = ", ".join(["id", *(f"f{index}" for index in range(len(order)))])
    columns = {name: f"c.f{index}" for index, name in enumerate(order)}
    values = {key: Decimal(str(parameters(key, ""))) for key in prog.parameters}
    amount_sql, amount_params = to_sql(prog.formula, columns, values)
    return f"SELECT c.id, {amount_sql} FROM ({sql}) AS c({aliases})", [*amount_params, *params]


def candidates(
    prog: Program,
    *,
    today: date,
    enterprise_ids: Iterable[int] | None = None,
    parameters: ParameterValues | None = None,
) -> dict[int, Decimal | None]:
    """Every enterprise the policy is for now, with its estimated amount: one query, then the formula."""
    if not prog.in_force:
        return {}
    parameters = parameters or ParameterValues()
    in_sql = candidates_sql(prog, today=today, enterprise_ids=enterprise_ids, parameters=parameters)
    if in_sql is not None:
        with connection.cursor() as cursor:
            cursor.execute(*in_sql)
            return dict(cursor.fetchall())
    rows = _rows(prog, today=today, enterprise_ids=enterprise_ids)
    found: dict[int, Decimal | None] = {}
    if prog.formula is None:
        for pk in rows.values_list("pk", flat=True).iterator(chunk_size=5000):
            found[pk] = None
        return found
    names = prog.formula_fields
    lookups = [FIELDS[name].lookup for name in names]
    for row in rows.values_list("pk", "region__path", *lookups).iterator(chunk_size=5000):
        found[row[0]] = amount(prog, dict(zip(names, row[2:], strict=True)), row[1], parameters)
    return found


def annotated_enterprise(enterprise_id: int) -> Any:
    """One enterprise with every field a policy may read (rules and formulas), records prefetched."""
    return subjects(set(FIELDS)).select_related("region").prefetch_related("records").get(pk=enterprise_id)


def enterprise_candidates(
    enterprise: Any, programs: Iterable[Program], *, today: date, parameters: ParameterValues | None = None
) -> dict[int, Decimal | None]:
    """policy id → amount for every policy this (annotated) enterprise is for now, evaluated in Python."""
    parameters = parameters or ParameterValues()
    found: dict[int, Decimal | None] = {}
    path, sector = enterprise.region.path, enterprise.sector
    for prog in programs:
        if not prog.in_force or not prog.applies_to(path, sector):
            continue
        # The rule was validated when compiled (``in_force``): pass or fail only, no explanation (issue 14).
        if not passes(prog.rule, enterprise, today=today, fields=FIELDS):
            continue
        inputs = {name: value_of(enterprise, name) for name in prog.formula_fields}
        found[prog.policy_id] = amount(prog, inputs, path, parameters)
    return found


# --- Explaining one enterprise's match (the pages) -----------------------------------------------


@dataclass(frozen=True)
class Reasons:
    applies: bool  # region and sector
    explanation: Explanation | None
    computation: Computation | None

    @property
    def qualifies(self) -> bool:
        return self.applies and self.explanation is not None and self.explanation.passed


def reasons(policy: Policy, enterprise: Any, *, today: date) -> Reasons:
    """Why this enterprise qualifies (or not), condition by condition, and how its amount is computed."""
    prog = program(policy, today)
    annotated = enterprise if hasattr(enterprise, "pf_ui_insured") else annotated_enterprise(enterprise.pk)
    applies = prog.applies_to(annotated.region.path, annotated.sector)
    explanation = (
        None if check_rule(policy.eligibility) else evaluate(policy.eligibility, annotated, today=today, fields=FIELDS)
    )
    computation = None
    if prog.formula is not None:
        inputs: dict[str, Any] = {name: value_of(annotated, name) for name in prog.formula_fields}
        labels = {name: str(FIELDS[name].label) for name in prog.formula_fields}
        parameters = ParameterValues()
        for key in prog.parameters:
            inputs[key] = parameters(key, annotated.region.path)
            labels[key] = str(DEFINITIONS[key].label)
        computation = explain(prog.formula, inputs, labels)
    return Reasons(applies, explanation, computation)
