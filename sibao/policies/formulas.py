"""Benefit formulas (PO-4): a small arithmetic language over an enterprise's figures, in exact decimals.

A formula is JSON: ordered steps, each a named expression, and which step is the amount::

    {"steps": [
        {"name": "subsidy", "label": "政府补贴", "expr": "booth_cost * policies.booth_subsidy_percent%"},
        {"name": "province", "label": "省级承担", "expr": "subsidy * 7 / (7 + 3)"},
        {"name": "local", "label": "市县承担", "expr": "subsidy - province"}],
     "amount": "subsidy"}

The language (docs/decisions/0010-benefit-formulas.md): numbers (``120000``, ``0.5``), a percent sign after a
value (``50%`` = 0.5), ``+ - * /``, parentheses, field names of the policy subject (``booth_cost``), names of
earlier steps, parameter keys (a name with a dot, ``policies.booth_subsidy_percent``: the value in force for the
enterprise's region), ``min(…)``, ``max(…)``, ``if(condition, then, else)`` with comparisons ``< <= > >= == !=``
and yes/no fields as conditions. Nothing else: no strings, attributes, calls of anything but these four, no
Python. Text is tokenised and parsed by this module into a tree of our own nodes — never ``eval``, never
``ast`` — and checked when saved: unknown names, wrong types (a yes/no where a number belongs), size.

Arithmetic is ``Decimal`` with 28 significant digits; **every step's result is rounded to 0.01 (one fen) half
up (四舍五入)**, and later steps use the rounded value, so the explanation's figures add up as shown. A division
by zero makes the step (and the amount) unknown, explained as such.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, localcontext
from typing import Any, Literal

from django.utils.translation import gettext as _

from sibao.core.rules import Fields

MAX_STEPS = 20
MAX_EXPR_CHARS = 400
MAX_DEPTH = 30
MAX_NUMBER = Decimal(10) ** 14  # the amount columns hold 14 digits before the point
CENT = Decimal("0.01")
STEP_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
FUNCTIONS = ("min", "max", "if")
COMPARISONS = ("<=", ">=", "==", "!=", "<", ">")
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_UP, traps=[InvalidOperation, DivisionByZero])

Kind = Literal["number", "bool"]


class FormulaError(ValueError):
    """A formula that does not validate; ``errors`` are messages naming the step."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("；".join(errors))
        self.errors = errors


class _Unknown(Exception):
    """A step could not be computed (division by zero, a value out of range)."""


# --- Tokens --------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"|(?P<op><=|>=|==|!=|[-+*/%(),<>]))"
)


@dataclass(frozen=True)
class Token:
    kind: str  # number, name, op, end
    text: str
    at: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        found = _TOKEN.match(stripped, position)
        if found is None or found.end() == position:
            character = stripped[position:].lstrip()[:1]
            raise SyntaxError(_("unexpected character “%(char)s”") % {"char": character})
        kind = found.lastgroup or "op"
        tokens.append(Token(kind, found.group(kind), found.start(kind)))
        position = found.end()
    tokens.append(Token("end", "", len(stripped)))
    return tokens


# --- Nodes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    def names(self) -> set[str]:
        return set()


@dataclass(frozen=True)
class Number(Node):
    value: Decimal


@dataclass(frozen=True)
class Name(Node):
    name: str

    def names(self) -> set[str]:
        return {self.name}


@dataclass(frozen=True)
class Percent(Node):
    operand: Node

    def names(self) -> set[str]:
        return self.operand.names()


@dataclass(frozen=True)
class Negate(Node):
    operand: Node

    def names(self) -> set[str]:
        return self.operand.names()


@dataclass(frozen=True)
class Binary(Node):
    op: str
    left: Node
    right: Node

    def names(self) -> set[str]:
        return self.left.names() | self.right.names()


@dataclass(frozen=True)
class Call(Node):
    function: str
    args: tuple[Node, ...] = field(default_factory=tuple)

    def names(self) -> set[str]:
        return set().union(*(arg.names() for arg in self.args)) if self.args else set()


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def take(self, text: str | None = None) -> Token:
        token = self.current
        if text is not None and token.text != text:
            wanted = text or _("the end")
            got = token.text or _("the end")
            raise SyntaxError(_("expected “%(wanted)s” but found “%(got)s”") % {"wanted": wanted, "got": got})
        self.index += 1
        return token

    def parse(self) -> Node:
        node = self.comparison()
        if self.current.kind != "end":
            raise SyntaxError(_("unexpected “%(text)s”") % {"text": self.current.text})
        return node

    def _deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SyntaxError(_("nested too deeply"))

    def comparison(self) -> Node:
        left = self.sum()
        if self.current.text in COMPARISONS:
            op = self.take().text
            return Binary(op, left, self.sum())
        return left

    def sum(self) -> Node:
        node = self.term()
        while self.current.text in ("+", "-"):
            op = self.take().text
            node = Binary(op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.current.text in ("*", "/"):
            op = self.take().text
            node = Binary(op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.current.text == "-":
            self.take()
            self._deeper()
            node: Node = Negate(self.unary())
            self.depth -= 1
            return node
        node = self.primary()
        while self.current.text == "%":
            self.take()
            node = Percent(node)
        return node

    def primary(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.take()
            value = Decimal(token.text)
            if value >= MAX_NUMBER:
                raise SyntaxError(_("the number %(number)s is too large") % {"number": token.text})
            return Number(value)
        if token.kind == "name":
            self.take()
            if self.current.text == "(":
                return self.call(token.text)
            return Name(token.text)
        if token.text == "(":
            self.take()
            self._deeper()
            node = self.comparison()
            self.depth -= 1
            self.take(")")
            return node
        raise SyntaxError(_("unexpected “%(text)s”") % {"text": token.text or _("the end")})

    def call(self, function: str) -> Node:
        if function not in FUNCTIONS:
            raise SyntaxError(_("unknown function “%(name)s” (allowed: min, max, if)") % {"name": function})
        self.take("(")
        self._deeper()
        args = [self.comparison()]
        while self.current.text == ",":
            self.take()
            args.append(self.comparison())
        self.take(")")
        self.depth -= 1
        if function == "if" and len(args) != 3:
            raise SyntaxError(_("if takes three values: if(condition, then, otherwise)"))
        if function in ("min", "max") and len(args) < 2:
            raise SyntaxError(_("%(name)s takes at least two values") % {"name": function})
        return Call(function, tuple(args))


def parse(text: str) -> Node:
    if len(text) > MAX_EXPR_CHARS:
        raise SyntaxError(_("longer than %(limit)d characters") % {"limit": MAX_EXPR_CHARS})
    return _Parser(text).parse()


# --- Names ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameInfo:
    kind: Kind
    label: str
    source: Literal["field", "step", "parameter"]


ParameterLookup = Callable[[str], tuple[str, str] | None]  # key → (label, unit) of a numeric parameter


def _type_of(node: Node, names: Mapping[str, NameInfo]) -> Kind:
    """The node's type; SyntaxError (with a message naming the problem) when it is ill-typed."""
    if isinstance(node, Number):
        return "number"
    if isinstance(node, Name):
        return names[node.name].kind
    if isinstance(node, Percent | Negate):
        if _type_of(node.operand, names) != "number":
            raise SyntaxError(_("a yes/no value cannot be used as a number"))
        return "number"
    if isinstance(node, Binary):
        left, right = _type_of(node.left, names), _type_of(node.right, names)
        if node.op in COMPARISONS:
            if left != "number" or right != "number":
                raise SyntaxError(_("only numbers can be compared"))
            return "bool"
        if left != "number" or right != "number":
            raise SyntaxError(_("a yes/no value cannot be used as a number"))
        return "number"
    assert isinstance(node, Call)
    kinds = [_type_of(arg, names) for arg in node.args]
    if node.function == "if":
        if kinds[0] != "bool":
            raise SyntaxError(_("the condition of if must be a comparison or a yes/no field"))
        if kinds[1] != "number" or kinds[2] != "number":
            raise SyntaxError(_("both results of if must be numbers"))
        return "number"
    if any(kind != "number" for kind in kinds):
        raise SyntaxError(_("min and max take numbers"))
    return "number"


def field_names(fields: Fields) -> dict[str, NameInfo]:
    """The subject's number and yes/no fields a formula may read."""
    found: dict[str, NameInfo] = {}
    for spec in fields.values():
        if spec.kind == "number":
            found[spec.name] = NameInfo("number", str(spec.label), "field")
        elif spec.kind == "bool":
            found[spec.name] = NameInfo("bool", str(spec.label), "field")
    return found


# --- Formula -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    expr: str
    tree: Node


@dataclass(frozen=True)
class Formula:
    steps: tuple[Step, ...]
    amount: str

    def fields_used(self, fields: Fields) -> set[str]:
        names = set().union(*(step.tree.names() for step in self.steps)) if self.steps else set()
        return {name for name in names if name in fields}

    def parameters_used(self) -> set[str]:
        names = set().union(*(step.tree.names() for step in self.steps)) if self.steps else set()
        return {name for name in names if "." in name}


def validate_formula(data: Any, fields: Fields, parameters: ParameterLookup) -> list[str]:
    """Every problem of the formula as a message naming the step; ``[]`` when it may be saved."""
    try:
        compile_formula(data, fields, parameters)
    except FormulaError as error:
        return error.errors
    return []


def compile_formula(data: Any, fields: Fields, parameters: ParameterLookup) -> Formula:
    """Parse and check a formula (FormulaError with every problem), ready to evaluate."""
    if not isinstance(data, Mapping):
        raise FormulaError([_("The formula must be an object with “steps” and “amount”.")])
    unknown_keys = sorted(set(data) - {"steps", "amount"})
    if unknown_keys:
        raise FormulaError([_("Unknown key “%(key)s” in the formula.") % {"key": unknown_keys[0]}])
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise FormulaError([_("The formula needs at least one step.")])
    if len(raw_steps) > MAX_STEPS:
        raise FormulaError([_("The formula has more than %(limit)d steps.") % {"limit": MAX_STEPS}])
    known = field_names(fields)
    errors: list[str] = []
    steps: list[Step] = []
    for index, raw in enumerate(raw_steps, start=1):
        where = _("Step %(index)d") % {"index": index}
        if not isinstance(raw, Mapping) or set(raw) - {"name", "label", "expr"}:
            errors.append(_("%(where)s: a step has a name, a label and an expression (expr).") % {"where": where})
            continue
        name, label, expr = raw.get("name"), raw.get("label", ""), raw.get("expr")
        if not isinstance(name, str) or not STEP_NAME.fullmatch(name):
            errors.append(
                _("%(where)s: the name must be lower-case letters, digits and _ (e.g. subsidy).") % {"where": where}
            )
            continue
        if name in known or name in FUNCTIONS:
            errors.append(_("%(where)s: the name “%(name)s” is already used.") % {"where": where, "name": name})
            continue
        if not isinstance(label, str) or len(label) > 100:
            errors.append(_("%(where)s: the label must be text of at most 100 characters.") % {"where": where})
            continue
        where = f"{where}（{label or name}）"
        if not isinstance(expr, str) or not expr.strip():
            errors.append(_("%(where)s: the expression is empty.") % {"where": where})
            continue
        try:
            tree = parse(expr)
        except SyntaxError as problem:
            errors.append(_("%(where)s: %(problem)s") % {"where": where, "problem": problem.msg})
            continue
        except RecursionError:
            errors.append(_("%(where)s: %(problem)s") % {"where": where, "problem": _("nested too deeply")})
            continue
        missing = []
        for used in sorted(tree.names()):
            if used in known:
                continue
            found = parameters(used) if "." in used else None
            if found is None:
                missing.append(used)
            else:
                known[used] = NameInfo("number", found[0], "parameter")
        if missing:
            errors.append(
                _("%(where)s: unknown name “%(name)s” (not a field, an earlier step or a numeric parameter).")
                % {"where": where, "name": missing[0]}
            )
            continue
        try:
            kind = _type_of(tree, known)
        except SyntaxError as problem:
            errors.append(_("%(where)s: %(problem)s") % {"where": where, "problem": problem.msg})
            continue
        if kind != "number":
            errors.append(_("%(where)s: a step must give a number, not yes/no.") % {"where": where})
            continue
        known[name] = NameInfo("number", label or name, "step")
        steps.append(Step(name, label or name, expr.strip(), tree))
    amount = data.get("amount")
    step_names = [step.name for step in steps]
    if not errors and amount not in step_names:
        errors.append(_("“amount” must name one of the steps (%(names)s).") % {"names": "、".join(step_names)})
    if errors:
        raise FormulaError(errors)
    return Formula(tuple(steps), str(amount))


# --- Evaluation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepResult:
    name: str
    label: str
    expr: str
    shown: str  # the expression with each name's value, e.g. "采样屋购置费用 120000.00 × 50%"
    value: Decimal | None  # None: could not be computed


@dataclass(frozen=True)
class Computation:
    steps: tuple[StepResult, ...]
    amount: Decimal | None

    def values(self) -> dict[str, str | None]:
        return {step.name: None if step.value is None else str(step.value) for step in self.steps}


Values = Mapping[str, Any]  # field name → value; parameter key → value; filled with step results as it goes


def _number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise _Unknown
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if value is None:
        raise _Unknown
    return Decimal(str(value))


def _value(node: Node, values: Values) -> Any:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Name):
        return values[node.name]
    if isinstance(node, Percent):
        return _number(_value(node.operand, values)) / 100
    if isinstance(node, Negate):
        return -_number(_value(node.operand, values))
    if isinstance(node, Binary):
        left, right = _number(_value(node.left, values)), _number(_value(node.right, values))
        op = node.op
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        if op == "/":
            if right == 0:
                raise _Unknown
            return left / right
        return {
            "<": left < right,
            "<=": left <= right,
            ">": left > right,
            ">=": left >= right,
            "==": left == right,
            "!=": left != right,
        }[op]
    assert isinstance(node, Call)
    if node.function == "if":
        return _value(node.args[1] if bool(_value(node.args[0], values)) else node.args[2], values)
    numbers = [_number(_value(arg, values)) for arg in node.args]
    return min(numbers) if node.function == "min" else max(numbers)


def round_fen(value: Decimal) -> Decimal:
    """The formula's one rounding rule: to 0.01 (one fen), half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def compute(formula: Formula, values: Values) -> Decimal | None:
    """The amount only (bulk matching): every step rounded to the fen, as ``explain`` shows it."""
    known = dict(values)
    with localcontext(_CONTEXT):
        for step in formula.steps:
            try:
                result = round_fen(_number(_value(step.tree, known)))
                if abs(result) >= MAX_NUMBER:
                    raise _Unknown
            except (_Unknown, InvalidOperation, DivisionByZero):
                result = None
            known[step.name] = result
    amount = known.get(formula.amount)
    return amount if isinstance(amount, Decimal) else None


_SYMBOLS = {"*": "×", "/": "÷", "-": "−"}


def plain(value: Any) -> str:
    """A figure as people write it: no trailing zeros past the fen (the database may hand back 12345.6700000000)."""
    if isinstance(value, Decimal) and value.is_finite():
        fen = value.quantize(CENT, rounding=ROUND_HALF_UP) if value == value.quantize(CENT) else value.normalize()
        return f"{fen:f}"
    return f"{value}"


def _shown(node: Node, values: Values, labels: Mapping[str, str], yes: str, no: str) -> str:
    if isinstance(node, Number):
        return f"{node.value}"
    if isinstance(node, Name):
        value = values.get(node.name)
        if isinstance(value, bool):
            text = yes if value else no
        elif value is None:
            text = "?"
        else:
            text = plain(value)
        return f"{labels.get(node.name, node.name)} {text}"
    if isinstance(node, Percent):
        return f"{_shown(node.operand, values, labels, yes, no)}%"
    if isinstance(node, Negate):
        return f"−{_shown(node.operand, values, labels, yes, no)}"
    if isinstance(node, Binary):
        left, right = _shown(node.left, values, labels, yes, no), _shown(node.right, values, labels, yes, no)
        return f"({left} {_SYMBOLS.get(node.op, node.op)} {right})"
    assert isinstance(node, Call)
    args = "，".join(_shown(arg, values, labels, yes, no) for arg in node.args)
    return f"{node.function}({args})"


def explain(formula: Formula, values: Values, labels: Mapping[str, str]) -> Computation:
    """Every step with the values it used and its result (the enterprise's "how much and why")."""
    known = dict(values)
    names = dict(labels)
    results: list[StepResult] = []
    yes, no = _("yes"), _("no")
    with localcontext(_CONTEXT):
        for step in formula.steps:
            shown = _shown(step.tree, known, names, yes, no)
            if shown.startswith("(") and shown.endswith(")"):
                shown = shown[1:-1]
            try:
                value: Decimal | None = round_fen(_number(_value(step.tree, known)))
                if value is not None and abs(value) >= MAX_NUMBER:
                    raise _Unknown
            except (_Unknown, InvalidOperation, DivisionByZero):
                value = None
            known[step.name] = value
            names[step.name] = step.label
            results.append(StepResult(step.name, step.label, step.expr, shown, value))
    amount = known.get(formula.amount)
    return Computation(tuple(results), amount if isinstance(amount, Decimal) else None)


# --- The same formula in the database (PostgreSQL's exact ``numeric``) -------------------------------------


def to_sql(formula: Formula, fields: Mapping[str, str], parameters: Mapping[str, Decimal]) -> tuple[str, list[Any]]:
    """The amount as one SQL expression over the row's columns, for set-based matching on PostgreSQL.

    ``fields`` maps a formula field to its SQL column expression, ``parameters`` a parameter to its value (the
    caller uses this only when no region overrides them). Same meaning as ``compute``: every step rounded to the
    fen half up (PostgreSQL's ``round(numeric, 2)`` rounds half away from zero, as ROUND_HALF_UP does), a division
    by zero or a value out of range is NULL, and NULL propagates through min/max (unlike LEAST/GREATEST). A
    quotient is exact to at least 16 significant digits in ``numeric``, as against 28 in Python: the two can
    differ only where a non-terminating quotient's digits beyond the 16th decide a fen, which a test holds to
    the shipped formulas and random ones."""
    steps: dict[str, tuple[str, list[Any]]] = {}

    def node(tree: Node) -> tuple[str, list[Any]]:
        if isinstance(tree, Number):
            return "%s::numeric", [tree.value]
        if isinstance(tree, Name):
            if tree.name in steps:
                return steps[tree.name]
            if tree.name in parameters:
                return "%s::numeric", [parameters[tree.name]]
            return f"({fields[tree.name]})", []
        if isinstance(tree, Percent):
            sql, params = node(tree.operand)
            return f"({sql} / 100)", params
        if isinstance(tree, Negate):
            sql, params = node(tree.operand)
            return f"(0 - {sql})", params
        if isinstance(tree, Binary):
            (left, lp), (right, rp) = node(tree.left), node(tree.right)
            if tree.op == "/":
                return f"({left} / NULLIF({right}, 0))", lp + rp
            op = {"==": "=", "!=": "<>"}.get(tree.op, tree.op)
            return f"({left} {op} {right})", lp + rp
        assert isinstance(tree, Call)
        parts = [node(arg) for arg in tree.args]
        params = [value for _sql, values in parts for value in values]
        if tree.function == "if":
            (cond, cp), (then, tp), (other, op_) = parts
            return f"(CASE WHEN {cond} THEN {then} ELSE {other} END)", cp + tp + op_
        function = "LEAST" if tree.function == "min" else "GREATEST"
        nulls = " OR ".join(f"{sql} IS NULL" for sql, _values in parts)
        listed = ", ".join(sql for sql, _values in parts)
        return f"(CASE WHEN {nulls} THEN NULL ELSE {function}({listed}) END)", params + params

    for step in formula.steps:
        sql, params = node(step.tree)
        # Out of range → NULL with the step written once (clamped, then the bounds made NULL): a CASE naming
        # it twice doubles its cost, and again in every step that reads it (issue 14's full recompute).
        steps[step.name] = (
            f"NULLIF(NULLIF(LEAST(GREATEST(round(({sql})::numeric, 2), -{MAX_NUMBER}), {MAX_NUMBER}), "
            f"{MAX_NUMBER}), -{MAX_NUMBER})",
            params,
        )
    return steps[formula.amount]
