"""PO-4: the formula language — parsing, refusals on save, exact decimals and the rounding rule."""

from decimal import Decimal

import pytest

from sibao.policies.formulas import FormulaError, compile_formula, compute, explain, round_fen
from sibao.policies.matching import check_formula, parameter_lookup
from sibao.policies.rule_fields import FIELDS
from sibao.policies.shipped import SHIPPED


def formula(*steps: tuple[str, str], amount: str | None = None) -> dict:
    return {"steps": [{"name": n, "label": n, "expr": e} for n, e in steps], "amount": amount or steps[-1][0]}


def refusal(data: dict) -> str:
    with pytest.raises(FormulaError) as caught:
        compile_formula(data, FIELDS, parameter_lookup)
    return "；".join(caught.value.errors)


@pytest.mark.parametrize(
    "expr",
    [
        "__import__('os').system('rm -rf /')",
        "().__class__.__bases__[0]",
        "open('/etc/passwd')",
        "eval('1+1')",
        "booth_cost.__class__",
        "lambda: 1",
        "[x for x in range(9)]",
        "9 ** 9 ** 9",
        "'text'",
    ],
)
def test_code_is_refused_on_save_with_a_clear_error(expr: str) -> None:
    message = refusal(formula(("amount", expr)))
    assert message.startswith("Step 1") or message.startswith("第1步")


def test_an_unknown_name_is_named() -> None:
    message = refusal(formula(("amount", "booth_cost * secret_rate")))
    assert "secret_rate" in message


def test_an_unknown_parameter_and_a_non_numeric_one_are_refused() -> None:
    assert "policies.nothing" in refusal(formula(("a", "booth_cost * policies.nothing")))
    assert "whitelist.first_batch_by" in refusal(formula(("a", "whitelist.first_batch_by")))


def test_types_are_checked() -> None:
    assert refusal(formula(("a", "ui_insured * 2")))
    assert refusal(formula(("a", "if(booth_cost, 1, 2)")))
    assert refusal(formula(("a", "booth_cost > 1")))
    assert compile_formula(formula(("a", "if(ui_insured, booth_cost, 0)")), FIELDS, parameter_lookup)


def test_amount_must_name_a_step_and_steps_come_in_order() -> None:
    assert refusal(formula(("a", "1"), amount="b"))
    assert "later" in refusal(formula(("a", "later + 1"), ("later", "2")))


def test_size_limits() -> None:
    assert refusal(formula(("a", "(" * 40 + "1" + ")" * 40)))
    assert refusal(formula(("a", "1 + " * 200 + "1")))
    assert refusal({"steps": [{"name": f"s{i}", "expr": "1"} for i in range(30)], "amount": "s0"})


def test_arithmetic_is_exact_and_each_step_rounds_half_up_to_the_fen() -> None:
    compiled = compile_formula(
        formula(("third", "booth_cost / 3"), ("back", "third * 3"), ("half", "0.125 + 0.01")), FIELDS, parameter_lookup
    )
    result = explain(compiled, {"booth_cost": Decimal("100")}, {"booth_cost": "费用"})
    assert [step.value for step in result.steps] == [Decimal("33.33"), Decimal("99.99"), Decimal("0.14")]
    assert round_fen(Decimal("0.125")) == Decimal("0.13")  # half up, not half even
    assert "费用 100" in result.steps[0].shown


def test_division_by_zero_is_an_unknown_amount_not_an_error() -> None:
    compiled = compile_formula(formula(("a", "booth_cost / layoff_rate")), FIELDS, parameter_lookup)
    assert compute(compiled, {"booth_cost": Decimal(1), "layoff_rate": Decimal(0)}) is None


@pytest.mark.django_db
def test_the_shipped_formulas_compile() -> None:
    for build in SHIPPED:
        assert check_formula(build()["formula"]) is not None


@pytest.mark.django_db
def test_the_database_computes_what_python_computes() -> None:
    """PostgreSQL's bulk path (``to_sql``) and ``compute`` agree to the fen on the shipped formulas and on
    divisions, percentages, min/max/if and division by zero, over many values."""
    import random

    from django.db import connection

    from sibao.policies.formulas import to_sql

    if connection.vendor != "postgresql":
        pytest.skip("the database path is PostgreSQL's")
    formulas = [build()["formula"] for build in SHIPPED] + [
        formula(("a", "booth_cost / 3"), ("b", "a * 7 / (7 + 3)"), ("c", "a - b")),
        formula(("a", "min(booth_cost * 12.5%, layoff_rate * 1000, 99999)"), ("b", "max(a, 0.005)")),
        formula(("a", "if(booth_cost >= 1000, booth_cost / layoff_rate, -booth_cost)")),
        # out of range (14 digits) on both sides: NULL, and NULL again in the steps that read it
        formula(("a", "booth_cost * ui_contributions"), ("b", "max(a, 1)"), ("c", "0 - a * 2")),
        formula(("a", "0 - booth_cost * ui_contributions"), ("b", "min(a, 1) + 1")),
    ]
    rng = random.Random(7)
    params = {
        key: Decimal(v)
        for key, v in [
            ("policies.booth_subsidy_percent", 50),
            ("policies.booth_province_share", 7),
            ("policies.booth_local_share", 3),
            ("policies.ui_refund_percent", 50),
            ("policies.tax_deferral_max_months", 3),
            ("policies.toll_reduction_percent", 15),
        ]
    }
    names = [
        "booth_cost",
        "layoff_rate",
        "ui_contributions",
        "tax_deferral_amount",
        "tax_deferral_months",
        "monthly_toll",
    ]
    out_of_range = 0
    with connection.cursor() as cursor:
        for data in formulas:
            compiled = compile_formula(data, FIELDS, parameter_lookup)
            for _ in range(40):
                values = {name: Decimal(rng.randint(0, 10**9)) / 100 for name in names}
                values["layoff_rate"] = Decimal(rng.choice([0, 1, 3, 7, 11])) / rng.choice([1, 3, 100])
                sql, sql_params = to_sql(compiled, {n: f"({n}_v)" for n in names}, params)
                select = ", ".join(f"%s::numeric AS {n}_v" for n in names)
                cursor.execute(f"SELECT {sql} FROM (SELECT {select}) AS v", [*sql_params, *(values[n] for n in names)])
                in_sql = cursor.fetchone()[0]
                out_of_range += in_sql is None
                assert in_sql == compute(compiled, {**values, **params}), (data, values)
    assert out_of_range > 5  # the out-of-range formulas did reach their bounds


def test_figures_are_shown_as_people_write_them() -> None:
    """SQLite hands a decimal column back as 12345.6700000000; the explanation shows 12345.67."""
    from sibao.policies.formulas import plain

    assert plain(Decimal("12345.6700000000")) == "12345.67"
    assert plain(Decimal("0.125")) == "0.125" and plain(Decimal("2")) == "2.00" and plain(7) == "7"
