"""The rule engine: criteria as data, explained per condition and runnable as one database filter.

A rule is JSON-compatible data (ARCHITECTURE "Rules", STYLE §5). A group is ``{"all": [...]}``,
``{"any": [...]}`` or ``{"none": [...]}`` (none = not any) with an optional ``"label"``; a leaf is
``{"field": ..., "op": ..., "value": ..., "label": ...}`` over a field declared in a registry of
``FieldSpec`` for the subject model (``sibao.enterprises.rule_fields`` declares the enterprise's; each
domain app registers its own subjects, so this kernel module imports no domain app).

- ``validate_rule(rule, fields)`` → Chinese messages, for administrators saving criteria (WL-2).
- ``evaluate(rule, obj, today=..., fields=...)`` → an ``Explanation`` tree mirroring the rule (WL-3 pre-check).
- ``to_q(rule, today=..., fields=...)`` → a ``Q`` selecting the same objects in bulk.

``evaluate`` and ``to_q`` must agree on every object; a hypothesis test holds them to it.

Semantics fixed here (docs/decisions/0002-rule-engine.md):
- Empty groups: ``all`` is true, ``any`` false, ``none`` true (identities). ``validate_rule`` refuses
  them for administrators; code may still build them.
- Dated records: a record counts when ``today - N calendar years < occurred_on <= today``. A record
  exactly N years old is outside the window; 29 February steps back to 28 February. Records dated
  after ``today`` never count, so a rule evaluated "as of" a past day sees what was known then.
  Without ``years`` the window has no lower bound (any time up to ``today``).
- Registry fields must be NOT NULL columns; ``None`` (e.g. a missing relation) never matches
  eq/in/comparisons and always matches ne/not_in.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, TypeAlias

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.functional import Promise

Rule: TypeAlias = Mapping[str, Any]
FieldKind = Literal["bool", "choice", "number", "text", "region", "records"]
GroupKind = Literal["all", "any", "none"]
GROUPS: tuple[GroupKind, ...] = ("all", "any", "none")
MAX_DEPTH = 8
# Issue 8 #9: a rule of thousands of conditions saved, then its page failed (SQLite's expression depth,
# every evaluation slow). The 003 criteria have a dozen conditions; these limits leave room for far more.
MAX_CONDITIONS = 200
MAX_LIST_VALUES = 1000
# Far above any amount in 万元 or head count, and inside SQLite's 64-bit integers and doubles' exact range.
MAX_NUMBER = Decimal(10) ** 15
REGION_CODE = re.compile(r"\d{6,12}")

OPS_BY_KIND: dict[FieldKind, tuple[str, ...]] = {
    "bool": ("is_true", "is_false", "eq", "ne"),
    "choice": ("eq", "ne", "in", "not_in"),
    "text": ("eq", "ne", "in", "not_in"),
    "number": ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte"),
    "region": ("in_region",),
    "records": ("any_within_years", "none_within_years"),
}
ALL_OPS = frozenset(op for ops in OPS_BY_KIND.values() for op in ops)
KIND_NAMES: dict[FieldKind, str] = {
    "bool": "是/否",
    "choice": "选项",
    "text": "文字",
    "number": "数值",
    "region": "行政区划",
    "records": "记录",
}
OP_NAMES = {
    "eq": "等于",
    "ne": "不等于",
    "in": "属于",
    "not_in": "不属于",
    "gt": "大于",
    "gte": "不低于",
    "lt": "小于",
    "lte": "不高于",
}
GROUP_LABELS: dict[GroupKind, str] = {
    "all": "以下条件全部满足",
    "any": "以下条件至少满足一项",
    "none": "以下情形均不存在",
}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


class RuleError(ValueError):
    """``evaluate``/``to_q`` got a rule that does not validate; ``errors`` are the Chinese messages."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("；".join(errors))
        self.errors = errors


# --- Field registry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordsSpec:
    """Dated records attached to the subject (a reverse foreign key), for the *_within_years ops."""

    model: type[models.Model]
    parent_field: str  # the record's foreign key to the subject, for the Exists subquery
    kinds: tuple[tuple[str, str | Promise], ...]
    severities: tuple[tuple[str, str | Promise], ...]
    date_field: str = "occurred_on"
    kind_field: str = "kind"
    severity_field: str = "severity"


@dataclass(frozen=True)
class FieldSpec:
    """One field a rule may test. ``lookup`` is the ORM path from the subject (``region__path``);
    for ``records`` it is the reverse relation's accessor (``records``)."""

    name: str
    label: str | Promise
    kind: FieldKind
    lookup: str
    choices: tuple[tuple[str, str | Promise], ...] = ()  # choice fields
    decimal_places: int = 0  # number fields: 0 = integer column
    records: RecordsSpec | None = None  # records fields

    def choice_label(self, value: Any) -> str:
        return str(dict(self.choices).get(value, value))


Fields: TypeAlias = Mapping[str, FieldSpec]


def make_fields(*specs: FieldSpec) -> dict[str, FieldSpec]:
    """Build a registry, refusing inconsistent declarations (a programming error, not user input)."""
    registry: dict[str, FieldSpec] = {}
    for spec in specs:
        if spec.name in registry:
            raise ValueError(f"duplicate rule field {spec.name!r}")
        if (spec.kind == "choice") != bool(spec.choices):
            raise ValueError(f"rule field {spec.name!r}: choices go with kind 'choice' only")
        if (spec.kind == "records") != (spec.records is not None):
            raise ValueError(f"rule field {spec.name!r}: a RecordsSpec goes with kind 'records' only")
        registry[spec.name] = spec
    return registry


SUBJECTS: dict[str, Fields] = {}


def register_subject(subject: str, fields: Fields) -> None:
    """Make a subject's field registry findable by name (stored criteria name their subject)."""
    SUBJECTS[subject] = fields


def subject_fields(subject: str) -> Fields:
    return SUBJECTS[subject]


def model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def choices_of(model: type[models.Model], name: str) -> tuple[tuple[str, str | Promise], ...]:
    """A model field's choices as a FieldSpec or RecordsSpec wants them."""
    return tuple((str(value), label) for value, label in model_field(model, name).flatchoices)


# --- Validation ----------------------------------------------------------------------------------


def validate_rule(rule: Any, fields: Fields, *, allow_empty_groups: bool = False) -> list[str]:
    """Every problem in ``rule`` as a Chinese message naming where it is; ``[]`` when valid."""
    too_large = _size_problem(rule)
    if too_large:
        return [too_large]  # not walked further: reporting each of thousands of conditions helps nobody
    errors: list[str] = []
    _validate_node(rule, fields, "规则", 1, errors, allow_empty_groups)
    return errors


def _size_problem(rule: Any) -> str | None:
    """Whether the rule is larger than ``MAX_CONDITIONS`` conditions (groups included) or holds more than
    ``MAX_LIST_VALUES`` values in its lists. Counts without recursion and stops at the limit, so an
    enormous rule costs no more than a large one."""
    nodes = values = 0
    pending = [rule]
    while pending:
        node = pending.pop()
        if not isinstance(node, Mapping):
            continue
        nodes += 1
        if nodes > MAX_CONDITIONS:
            return f"规则过大：最多 {MAX_CONDITIONS} 个条件和条件组，请拆分或精简"
        for group in GROUPS:
            items = node.get(group)
            if isinstance(items, list | tuple):
                pending.extend(items[: MAX_CONDITIONS + 1])
        value = node.get("value")
        if isinstance(value, list | tuple):
            values += len(value)
        if values > MAX_LIST_VALUES:
            return f"规则过大：所有条件的取值列表合计最多 {MAX_LIST_VALUES} 项，请精简"
    return None


def _group_of(node: Mapping[str, Any]) -> GroupKind | None:
    for group in GROUPS:
        if group in node:
            return group
    return None


def _validate_node(node: Any, fields: Fields, where: str, depth: int, errors: list[str], allow_empty: bool) -> None:
    if not isinstance(node, Mapping):
        errors.append(f"{where}：应为条件组（all/any/none）或条件（field/op/value）")
        return
    if "label" in node and not isinstance(node["label"], str):
        errors.append(f"{where}：标签（label）应为文字")
    present = [group for group in GROUPS if group in node]
    if len(present) > 1 or (present and ("field" in node or "op" in node)):
        errors.append(f"{where}：一个条件组只能包含 all、any、none 中的一个，且不能同时是条件")
        return
    if present:
        group = present[0]
        errors.extend(f"{where}：不认识的键“{key}”" for key in node if key not in (group, "label"))
        items = node[group]
        if not isinstance(items, list | tuple):
            errors.append(f"{where}：“{group}”的内容应为列表")
            return
        if not items and not allow_empty:
            errors.append(f"{where}：条件组“{group}”不能为空")
        if items and depth >= MAX_DEPTH:
            errors.append(f"{where}：条件嵌套超过 {MAX_DEPTH} 层")
            return
        for index, child in enumerate(items, start=1):
            _validate_node(child, fields, f"{where} › 第{index}项", depth + 1, errors, allow_empty)
        return
    errors.extend(f"{where}：不认识的键“{key}”" for key in node if key not in ("field", "op", "value", "label"))
    name, op = node.get("field"), node.get("op")
    if not isinstance(name, str) or not name:
        errors.append(f"{where}：缺少字段（field）")
        return
    spec = fields.get(name)
    if spec is None:
        errors.append(f"{where}：未知字段“{name}”")
        return
    if op is None:
        errors.append(f"{where}：缺少运算符（op）")
        return
    if not isinstance(op, str) or op not in ALL_OPS:
        errors.append(f"{where}：未知运算符“{op}”")
        return
    if op not in OPS_BY_KIND[spec.kind]:
        errors.append(f"{where}：字段“{spec.label}”（{KIND_NAMES[spec.kind]}）不支持运算符“{op}”")
        return
    problem = _value_problem(spec, op, node)
    if problem:
        errors.append(f"{where}：{problem}")


def _value_problem(spec: FieldSpec, op: str, node: Mapping[str, Any]) -> str | None:
    """What is wrong with the leaf's value for this field and op, or None."""
    label = spec.label
    if op in ("is_true", "is_false"):
        return f"运算符“{op}”不需要取值" if "value" in node else None
    if "value" not in node:
        return f"字段“{label}”的运算符“{op}”缺少取值（value）"
    value = node["value"]
    if op in ("in", "not_in"):
        if not isinstance(value, list | tuple) or not value:
            return f"运算符“{op}”的取值应为非空列表"
        for item in value:
            problem = _scalar_problem(spec, item)
            if problem:
                return problem
        return None
    if spec.kind == "region":
        if not isinstance(value, str) or not REGION_CODE.fullmatch(value):
            return f"行政区划代码应为 6 至 12 位数字，收到“{value}”"
        return None
    if spec.kind == "records":
        return _records_problem(spec, value)
    return _scalar_problem(spec, value)


def _scalar_problem(spec: FieldSpec, value: Any) -> str | None:
    label = spec.label
    if spec.kind == "bool":
        return None if isinstance(value, bool) else f"字段“{label}”的取值应为 true 或 false"
    if spec.kind == "text":
        return None if isinstance(value, str) else f"字段“{label}”的取值应为文字"
    if spec.kind == "choice":
        allowed = [choice for choice, _ in spec.choices]
        if isinstance(value, str) and value in allowed:
            return None
        return f"“{value}”不是字段“{label}”的可选值（可选：{'、'.join(allowed)}）"
    # number
    number = _as_decimal(value) if isinstance(value, int | float | Decimal) and not isinstance(value, bool) else None
    if number is None or not number.is_finite():
        return f"字段“{label}”的取值应为数字，收到“{value}”"
    if abs(number) >= MAX_NUMBER:
        return f"字段“{label}”的取值超出范围"
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > spec.decimal_places:
        if spec.decimal_places == 0:
            return f"字段“{label}”的取值应为整数"
        return f"字段“{label}”的取值最多保留 {spec.decimal_places} 位小数"
    return None


def _records_problem(spec: FieldSpec, value: Any) -> str | None:
    assert spec.records is not None
    example = '{"years": 3, "kinds": [...], "severities": [...]}'
    if not isinstance(value, Mapping):
        return f"记录条件的取值应为对象，如 {example}"
    for key in value:
        if key not in ("years", "kinds", "severities"):
            return f"记录条件中不认识的键“{key}”"
    years = value.get("years")
    if years is not None and (not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 100):
        return f"年数（years）应为 1 至 100 之间的整数，收到“{years}”"
    for key, name, choices in (
        ("kinds", "记录类型", spec.records.kinds),
        ("severities", "严重程度", spec.records.severities),
    ):
        if key not in value:
            continue
        items = value[key]
        if not isinstance(items, list | tuple) or not items:
            return f"{name}（{key}）应为非空列表"
        allowed = [choice for choice, _ in choices]
        for item in items:
            if item not in allowed:
                return f"“{item}”不是{name}的可选值（可选：{'、'.join(allowed)}）"
    return None


def _ensure_valid(rule: Any, fields: Fields, today: date) -> None:
    if not isinstance(today, date) or isinstance(today, datetime):
        raise TypeError("today must be a date (not a datetime): the rules count calendar days")
    errors = validate_rule(rule, fields, allow_empty_groups=True)
    if errors:
        raise RuleError(errors)


# --- Values --------------------------------------------------------------------------------------


def _as_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))  # 2000.5 → Decimal("2000.5"), not the binary expansion
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return Decimal("NaN")


def _db_number(spec: FieldSpec, value: Any) -> Decimal | int:
    number = _as_decimal(value)
    return int(number) if spec.decimal_places == 0 else number


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def record_window(today: date, years: int | None) -> tuple[date | None, date]:
    """(exclusive start, inclusive end) of the records a *_within_years leaf counts."""
    return (years_before(today, years) if years else None), today


def _in_region(path: str, code: str) -> bool:
    # Match whole path segments only: "10222/" must not match inside ".../410222/".
    return path.startswith(f"{code}/") or f"/{code}/" in path


def _resolve(obj: Any, lookup: str) -> Any:
    for part in lookup.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


# --- Explanation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """The outcome of one node of a rule. Leaves carry the field, op, rule value and actual value.

    ``passed`` is the node's own truth; ``wanted`` is the outcome the enclosing rule needs from it
    (False under an odd number of ``none`` groups), so a pre-check shows a leaf as fine when
    ``passed == wanted``.
    """

    passed: bool
    label: str
    wanted: bool = True
    group: GroupKind | None = None
    children: tuple[Explanation, ...] = ()
    field: str | None = None
    op: str | None = None
    value: Any = None
    actual: Any = None

    @property
    def is_leaf(self) -> bool:
        return self.group is None

    def leaves(self) -> list[Explanation]:
        if self.is_leaf:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    def failed_leaves(self) -> list[Explanation]:
        """The leaves that made this node fail, in rule order; ``[]`` when it passed.

        In an ``all``: the leaves that failed; in an ``any``: all of them; in a ``none``: the leaves
        that matched (their ``passed`` is True — e.g. the accident that excludes the enterprise).
        """
        return [] if self.passed else list(self._culprits())

    def _culprits(self) -> Iterator[Explanation]:
        if self.is_leaf:
            yield self
            return
        # The children whose outcome points the same way as this node's (inverted under none).
        direction = self.passed if self.group != "none" else not self.passed
        for child in self.children:
            if child.passed == direction:
                yield from child._culprits()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, e.g. to store an application's pre-check (WL-3)."""
        data: dict[str, Any] = {"passed": self.passed, "wanted": self.wanted, "label": self.label}
        if self.is_leaf:
            data |= {"field": self.field, "op": self.op, "value": _jsonable(self.value)}
            data["actual"] = _jsonable(self.actual)
        else:
            data |= {"group": self.group, "children": [child.as_dict() for child in self.children]}
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | Promise):
        return str(value)
    return value


def describe_leaf(leaf: Mapping[str, Any], fields: Fields) -> str:
    """A Chinese label for a leaf that has none of its own (administrators should write their own)."""
    spec = fields[leaf["field"]]
    op, label = leaf["op"], spec.label
    value: Any = leaf.get("value")
    if op == "is_true" or (op == "eq" and value is True) or (op == "ne" and value is False):
        return f"{label}：是"
    if op == "is_false" or spec.kind == "bool":
        return f"{label}：否"
    if op == "in_region":
        return f"位于行政区划 {value} 内"
    if spec.kind == "records":
        assert spec.records is not None
        when = f"近{value['years']}年" if value.get("years") else "曾"
        kinds = "、".join(str(dict(spec.records.kinds)[kind]) for kind in value.get("kinds", ()))
        severities = "、".join(str(dict(spec.records.severities)[sev]) for sev in value.get("severities", ()))
        what = f"{severities}{kinds}记录"
        return f"{when}{'有' if op == 'any_within_years' else '无'}{what}"
    items = value if isinstance(value, list | tuple) else [value]
    shown = "、".join(spec.choice_label(item) if spec.kind == "choice" else str(item) for item in items)
    return f"{label}{OP_NAMES[op]}{shown}"


# --- Evaluation ----------------------------------------------------------------------------------


def evaluate(rule: Rule, obj: Any, *, today: date, fields: Fields) -> Explanation:
    """Evaluate ``rule`` on one object, explaining every condition. Prefetch ``records`` for many."""
    _ensure_valid(rule, fields, today)
    return _evaluate_node(rule, obj, today, fields, wanted=True)


def _evaluate_node(node: Rule, obj: Any, today: date, fields: Fields, *, wanted: bool) -> Explanation:
    group = _group_of(node)
    if group is None:
        return _evaluate_leaf(node, obj, today, fields, wanted=wanted)
    child_wanted = wanted if group != "none" else not wanted
    children = tuple(_evaluate_node(child, obj, today, fields, wanted=child_wanted) for child in node[group])
    outcomes = [child.passed for child in children]
    passed = all(outcomes) if group == "all" else any(outcomes) if group == "any" else not any(outcomes)
    label = node.get("label") or GROUP_LABELS[group]
    return Explanation(passed=passed, label=label, wanted=wanted, group=group, children=children)


def passes(rule: Rule, obj: Any, *, today: date, fields: Fields) -> bool:
    """``evaluate(…).passed`` without building the explanation, for a caller that has validated the rule and
    tries one object against many rules (one enterprise against every policy, PO-2): the same leaf tests."""
    group = _group_of(rule)
    if group is None:
        return _leaf_outcome(rule, obj, today, fields)[0]
    outcomes = (passes(child, obj, today=today, fields=fields) for child in rule[group])
    return all(outcomes) if group == "all" else any(outcomes) if group == "any" else not any(outcomes)


def _leaf_outcome(node: Rule, obj: Any, today: date, fields: Fields) -> tuple[bool, Any]:
    spec = fields[node["field"]]
    op = node["op"]
    value: Any = node.get("value")
    actual: Any
    if spec.kind == "records":
        actual = _matching_records(obj, spec, value, today)
        return (bool(actual) if op == "any_within_years" else not actual), actual
    actual = _resolve(obj, spec.lookup)
    if spec.kind == "number" and actual is not None:
        actual = _as_decimal(actual)
    return _leaf_passes(spec, op, value, actual), actual


def _evaluate_leaf(node: Rule, obj: Any, today: date, fields: Fields, *, wanted: bool) -> Explanation:
    spec = fields[node["field"]]
    op = node["op"]
    value: Any = node.get("value")
    passed, actual = _leaf_outcome(node, obj, today, fields)
    return Explanation(
        passed=passed,
        label=node.get("label") or describe_leaf(node, fields),
        wanted=wanted,
        field=spec.name,
        op=op,
        value=value,
        actual=actual,
    )


def _leaf_passes(spec: FieldSpec, op: str, value: Any, actual: Any) -> bool:
    if op in ("ne", "not_in") and actual is None:
        return True
    if actual is None:
        return False
    if op == "is_true":
        return bool(actual)
    if op == "is_false":
        return not actual
    if op == "in_region":
        return _in_region(actual, value)
    if spec.kind == "number":
        value = [_as_decimal(item) for item in value] if op in ("in", "not_in") else _as_decimal(value)
    if op == "in":
        return actual in value
    if op == "not_in":
        return actual not in value
    return _COMPARE[op](actual, value)


def _matching_records(obj: Any, spec: FieldSpec, value: Mapping[str, Any], today: date) -> list[dict[str, Any]]:
    """The subject's records inside the leaf's window, newest first: kind, severity, occurred_on."""
    records = spec.records
    assert records is not None
    start, end = record_window(today, value.get("years"))
    kinds, severities = value.get("kinds"), value.get("severities")
    found = []
    for record in getattr(obj, spec.lookup).all():
        day = getattr(record, records.date_field)
        kind, severity = getattr(record, records.kind_field), getattr(record, records.severity_field)
        if day > end or (start is not None and day <= start):
            continue
        if (kinds and kind not in kinds) or (severities and severity not in severities):
            continue
        found.append({"kind": str(kind), "severity": str(severity), "occurred_on": day})
    return sorted(found, key=lambda item: (item["occurred_on"], item["kind"], item["severity"]), reverse=True)


# --- Database filter -----------------------------------------------------------------------------


def _true_q() -> Q:
    # Not Q(): Django treats ~Q() as "everything" too, so an empty Q cannot stand for true under none.
    return ~Q(pk__in=[])


def _false_q() -> Q:
    return Q(pk__in=[])


def to_q(rule: Rule, *, today: date, fields: Fields) -> Q:
    """The same rule as a filter on the subject model: ``Model.objects.filter(to_q(...))``."""
    _ensure_valid(rule, fields, today)
    return _node_q(rule, today, fields)


def _node_q(node: Rule, today: date, fields: Fields) -> Q:
    group = _group_of(node)
    if group is None:
        return _leaf_q(node, today, fields)
    parts = [_node_q(child, today, fields) for child in node[group]]
    if group == "all":
        return functools.reduce(operator.and_, parts) if parts else _true_q()
    matched = functools.reduce(operator.or_, parts) if parts else _false_q()
    return matched if group == "any" else ~matched


def _leaf_q(node: Rule, today: date, fields: Fields) -> Q:
    spec = fields[node["field"]]
    op, lookup = node["op"], spec.lookup
    value: Any = node.get("value")
    if op == "is_true":
        return Q(**{lookup: True})
    if op == "is_false":
        return Q(**{lookup: False})
    if op == "in_region":
        return Q(**{f"{lookup}__startswith": f"{value}/"}) | Q(**{f"{lookup}__contains": f"/{value}/"})
    if spec.kind == "records":
        exists = Q(Exists(_records_subquery(spec, value, today)))
        return exists if op == "any_within_years" else ~exists
    if spec.kind == "number":
        value = [_db_number(spec, item) for item in value] if op in ("in", "not_in") else _db_number(spec, value)
    if op in ("in", "not_in"):
        matched = Q(**{f"{lookup}__in": list(value)})
        return matched if op == "in" else ~matched
    if op in ("eq", "ne"):
        matched = Q(**{lookup: value})
        return matched if op == "eq" else ~matched
    return Q(**{f"{lookup}__{op}": value})


def _records_subquery(spec: FieldSpec, value: Mapping[str, Any], today: date) -> models.QuerySet[Any]:
    records = spec.records
    assert records is not None
    start, end = record_window(today, value.get("years"))
    conditions: dict[str, Any] = {records.parent_field: OuterRef("pk"), f"{records.date_field}__lte": end}
    if start is not None:
        conditions[f"{records.date_field}__gt"] = start
    if value.get("kinds"):
        conditions[f"{records.kind_field}__in"] = list(value["kinds"])
    if value.get("severities"):
        conditions[f"{records.severity_field}__in"] = list(value["severities"])
    return records.model._default_manager.filter(**conditions)


__all__ = [
    "Explanation",
    "FieldSpec",
    "Fields",
    "RecordsSpec",
    "Rule",
    "RuleError",
    "choices_of",
    "describe_leaf",
    "evaluate",
    "make_fields",
    "model_field",
    "record_window",
    "register_subject",
    "subject_fields",
    "to_q",
    "validate_rule",
    "years_before",
]
