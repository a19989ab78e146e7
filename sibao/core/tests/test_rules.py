"""The rule engine: 003#二 on concrete enterprises, validation messages, and evaluate == passes == to_q
(hypothesis)."""

import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import township_of
from sibao.core.rules import (
    GROUPS,
    Explanation,
    FieldSpec,
    RuleError,
    describe_leaf,
    evaluate,
    make_fields,
    passes,
    record_window,
    subject_fields,
    to_q,
    validate_rule,
    years_before,
)
from sibao.core.sectors import Sector
from sibao.enterprises.models import (
    CreditStatus,
    Enterprise,
    EnterpriseRecord,
    OperatingStatus,
    RecordKind,
    RecordSeverity,
)
from sibao.enterprises.rule_fields import FIELDS as ENTERPRISE_FIELDS
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.regions.models import Region, RegionLevel
from sibao.whitelist.default_criteria import DEFAULT_CRITERIA_003, criteria_for_region

pytestmark = pytest.mark.django_db

F = ENTERPRISE_FIELDS
TODAY = date(2022, 5, 10)
XINXIAN = "411523"  # 新县, 信阳市 — the county of seed 003
FLAG_LABELS = [
    "规上工业企业",
    "专精特新中小企业培育库企业",
    "“万人助万企”县领导包联企业",
    "关系民生的商贸流通、电商类企业",
]
ACCIDENT = "近三年发生重大安全、重大质量事故"
ENVIRONMENT = "近三年有严重环境违法行为"
DISHONESTY = "近三年发生严重社会失信行为"
FRAUD = "通过弄虚作假行为达到申报标准"


@pytest.fixture
def rule(reference_data: None) -> dict[str, Any]:
    return criteria_for_region(XINXIAN)


def make(**fields: Any) -> Enterprise:
    fields.setdefault("region", township_of(XINXIAN))
    fields.setdefault("above_designated_size", True)
    return EnterpriseFactory(**fields)


def add_record(enterprise: Enterprise, kind: str, severity: str, occurred_on: date) -> EnterpriseRecord:
    return EnterpriseRecord.objects.create(enterprise=enterprise, kind=kind, severity=severity, occurred_on=occurred_on)


def check(rule: Any, enterprise: Enterprise, today: date = TODAY) -> Explanation:
    """Evaluate on a fresh copy and assert the database filter says the same."""
    fresh = Enterprise.objects.select_related("region").prefetch_related("records").get(pk=enterprise.pk)
    explanation = evaluate(rule, fresh, today=today, fields=F)
    selected = Enterprise.objects.filter(to_q(rule, today=today, fields=F)).filter(pk=enterprise.pk).exists()
    assert explanation.passed == selected
    assert passes(rule, fresh, today=today, fields=F) == selected  # the explanation-free path says the same
    return explanation


def failed_labels(explanation: Explanation) -> list[str]:
    return [leaf.label for leaf in explanation.failed_leaves()]


def leaf(explanation: Explanation, label: str) -> Explanation:
    return next(item for item in explanation.leaves() if item.label == label)


# --- 003#二 on concrete enterprises -----------------------------------------------------------------


def test_enterprise_meeting_every_condition_passes(rule: dict[str, Any]) -> None:
    explanation = check(rule, make())
    assert explanation.passed
    assert explanation.failed_leaves() == []
    assert explanation.label == "白名单企业遴选标准和申报条件（003#二）"
    assert leaf(explanation, "在县内注册").actual.startswith("410000/411500/411523/")
    assert leaf(explanation, "规上工业企业").actual is True
    assert leaf(explanation, "专精特新中小企业培育库企业").actual is False
    assert leaf(explanation, "诚信度好").actual == "good"
    accident = leaf(explanation, ACCIDENT)
    assert (accident.passed, accident.wanted, accident.actual) == (False, False, [])
    assert [child.group for child in explanation.children[-2:]] == ["any", "none"]


def test_enterprise_without_any_listed_kind_fails_the_any_group(rule: dict[str, Any]) -> None:
    explanation = check(rule, make(above_designated_size=False))
    assert not explanation.passed
    assert failed_labels(explanation) == FLAG_LABELS
    assert [failed.actual for failed in explanation.failed_leaves()] == [False] * 4
    assert all(failed.wanted and not failed.passed for failed in explanation.failed_leaves())


def test_any_one_flag_is_enough(rule: dict[str, Any]) -> None:
    assert check(rule, make(above_designated_size=False, livelihood=True, sector=Sector.COMMERCE)).passed


def test_major_safety_accident_two_years_ago_excludes(rule: dict[str, Any]) -> None:
    enterprise = make()
    add_record(enterprise, RecordKind.SAFETY_ACCIDENT, RecordSeverity.MAJOR, date(2020, 5, 10))
    explanation = check(rule, enterprise)
    assert not explanation.passed
    assert failed_labels(explanation) == [ACCIDENT]
    culprit = explanation.failed_leaves()[0]
    # Under "none", the culprit is the leaf that matched.
    assert (culprit.passed, culprit.wanted) == (True, False)
    assert culprit.actual == [{"kind": "safety_accident", "severity": "major", "occurred_on": date(2020, 5, 10)}]


def test_the_same_accident_four_years_ago_no_longer_counts(rule: dict[str, Any]) -> None:
    enterprise = make()
    add_record(enterprise, RecordKind.SAFETY_ACCIDENT, RecordSeverity.MAJOR, date(2018, 5, 10))
    explanation = check(rule, enterprise)
    assert explanation.passed
    assert leaf(explanation, ACCIDENT).actual == []


def test_serious_dishonesty_inside_the_window_excludes(rule: dict[str, Any]) -> None:
    enterprise = make()
    add_record(enterprise, RecordKind.DISHONESTY, RecordSeverity.SERIOUS, date(2021, 11, 1))
    add_record(enterprise, RecordKind.DISHONESTY, RecordSeverity.GENERAL, date(2022, 1, 1))  # not 严重
    explanation = check(rule, enterprise)
    assert failed_labels(explanation) == [DISHONESTY]
    assert leaf(explanation, DISHONESTY).actual == [
        {"kind": "dishonesty", "severity": "serious", "occurred_on": date(2021, 11, 1)}
    ]


@pytest.mark.parametrize(
    ("today", "occurred_on", "excluded"),
    [
        (date(2022, 5, 10), date(2019, 5, 9), False),
        (date(2022, 5, 10), date(2019, 5, 10), False),  # exactly three years before: outside
        (date(2022, 5, 10), date(2019, 5, 11), True),  # the next day: inside
        (date(2022, 5, 10), date(2022, 5, 10), True),  # today itself: inside
        (date(2022, 5, 10), date(2022, 5, 11), False),  # after today: not yet known, never counts
        (date(2024, 2, 29), date(2021, 2, 28), False),  # 29 Feb steps back to 28 Feb
        (date(2024, 2, 29), date(2021, 3, 1), True),
        (date(2023, 3, 1), date(2020, 2, 29), False),
        (date(2023, 3, 1), date(2020, 3, 2), True),
    ],
)
def test_three_year_window_boundary(rule: dict[str, Any], today: date, occurred_on: date, excluded: bool) -> None:
    enterprise = make()
    add_record(enterprise, RecordKind.QUALITY_ACCIDENT, RecordSeverity.MAJOR, occurred_on)
    explanation = check(rule, enterprise, today)
    assert explanation.passed is not excluded
    assert failed_labels(explanation) == ([ACCIDENT] if excluded else [])
    expected = [{"kind": "quality_accident", "severity": "major", "occurred_on": occurred_on}] if excluded else []
    assert leaf(explanation, ACCIDENT).actual == expected


def test_window_arithmetic() -> None:
    assert years_before(date(2022, 5, 10), 3) == date(2019, 5, 10)
    assert years_before(date(2024, 2, 29), 3) == date(2021, 2, 28)
    assert years_before(date(2024, 2, 29), 4) == date(2020, 2, 29)
    assert record_window(date(2022, 5, 10), 3) == (date(2019, 5, 10), date(2022, 5, 10))
    assert record_window(date(2022, 5, 10), None) == (None, date(2022, 5, 10))


@pytest.mark.parametrize(
    ("kind", "severity", "label"),
    [
        (RecordKind.SAFETY_ACCIDENT, RecordSeverity.SERIOUS, None),  # 较大, not 重大
        (RecordKind.QUALITY_ACCIDENT, RecordSeverity.GENERAL, None),
        (RecordKind.ENVIRONMENTAL_VIOLATION, RecordSeverity.GENERAL, None),
        (RecordKind.ENVIRONMENTAL_VIOLATION, RecordSeverity.SERIOUS, ENVIRONMENT),
        (RecordKind.ENVIRONMENTAL_VIOLATION, RecordSeverity.MAJOR, ENVIRONMENT),
        (RecordKind.LAW_VIOLATION, RecordSeverity.MAJOR, None),  # not an 003#二 exclusion (WL-8 removal is)
    ],
)
def test_which_records_exclude(rule: dict[str, Any], kind: str, severity: str, label: str | None) -> None:
    enterprise = make()
    add_record(enterprise, kind, severity, date(2021, 6, 1))
    explanation = check(rule, enterprise)
    assert failed_labels(explanation) == ([label] if label else [])


def test_application_fraud_excludes_at_any_time(rule: dict[str, Any]) -> None:
    enterprise = make()
    add_record(enterprise, RecordKind.APPLICATION_FRAUD, RecordSeverity.GENERAL, date(2010, 1, 4))
    explanation = check(rule, enterprise)
    assert failed_labels(explanation) == [FRAUD]
    assert leaf(explanation, FRAUD).actual[0]["occurred_on"] == date(2010, 1, 4)


@pytest.mark.parametrize(
    ("fields", "label", "actual"),
    [
        ({"operating_status": OperatingStatus.SUSPENDED}, "生产经营状态正常", "suspended"),
        ({"credit_status": CreditStatus.DISHONEST}, "诚信度好", "dishonest"),
        ({"environmental_compliant": False}, "达到环保排放标准", False),
        ({"safety_compliant": False}, "达到安全生产标准", False),
        ({"sector": Sector.TRANSPORT}, "属于工业、商贸流通、电商平台类企业", "transport"),
    ],
)
def test_basic_conditions(rule: dict[str, Any], fields: dict[str, Any], label: str, actual: Any) -> None:
    explanation = check(rule, make(**fields))
    assert failed_labels(explanation) == [label]
    assert explanation.failed_leaves()[0].actual == actual


def test_ordinary_credit_is_good_enough(rule: dict[str, Any]) -> None:
    assert check(rule, make(credit_status=CreditStatus.ORDINARY)).passed


def test_registered_in_the_county(rule: dict[str, Any]) -> None:
    assert check(rule, make(region=Region.objects.get(code=XINXIAN))).passed
    elsewhere = check(rule, make(region=township_of("410222")))
    assert failed_labels(elsewhere) == ["在县内注册"]
    assert elsewhere.failed_leaves()[0].actual.startswith("410000/410200/410222/")


def test_region_code_matches_whole_path_segments_only(reference_data: None) -> None:
    township = township_of("410222")
    enterprise = make(region=township)
    suffix = township.code[-6:]  # a 6-digit code that is a substring of the township's code
    for code, expected in [(suffix, False), ("410222", True), (township.code, True), ("410200", True)]:
        assert check({"field": "region", "op": "in_region", "value": code}, enterprise).passed is expected, code


def test_bulk_selection_is_one_query_and_matches_evaluate(rule: dict[str, Any], django_assert_num_queries: Any) -> None:
    good, no_flag, accident = make(), make(above_designated_size=False), make()
    add_record(accident, RecordKind.SAFETY_ACCIDENT, RecordSeverity.MAJOR, date(2021, 1, 1))
    q = to_q(rule, today=TODAY, fields=F)
    with django_assert_num_queries(1):
        selected = set(Enterprise.objects.filter(q).values_list("pk", flat=True))
    assert selected == {good.pk}
    with django_assert_num_queries(2):  # enterprises with regions, then all their records
        everyone = Enterprise.objects.select_related("region").prefetch_related("records")
        passed = {e.pk for e in everyone if evaluate(rule, e, today=TODAY, fields=F).passed}
    assert passed == selected
    assert no_flag.pk not in passed


def test_explanation_is_json_ready(rule: dict[str, Any]) -> None:
    enterprise = make(output_value=Decimal("1234.50"))
    add_record(enterprise, RecordKind.SAFETY_ACCIDENT, RecordSeverity.MAJOR, date(2021, 1, 1))
    data = check(rule, enterprise).as_dict()
    json.dumps(data, ensure_ascii=False)
    exclusions = data["children"][-1]
    assert exclusions["group"] == "none" and exclusions["wanted"] is True and exclusions["passed"] is False
    assert exclusions["children"][1]["actual"] == [
        {"kind": "safety_accident", "severity": "major", "occurred_on": "2021-01-01"}
    ]
    numbers = check({"field": "output_value", "op": "gte", "value": 1234.5}, enterprise).as_dict()
    assert (numbers["passed"], numbers["actual"], numbers["label"]) == (True, "1234.50", "年产值（万元）不低于1234.5")


# --- Default criteria and region placeholder -------------------------------------------------------


def test_default_criteria_needs_a_region() -> None:
    assert validate_rule(DEFAULT_CRITERIA_003, F) == ["规则 › 第1项：行政区划代码应为 6 至 12 位数字，收到“{region}”"]
    filled = criteria_for_region(XINXIAN)
    assert validate_rule(filled, F) == []
    assert filled["all"][0]["value"] == XINXIAN
    assert DEFAULT_CRITERIA_003["all"][0]["value"] == "{region}"  # the template is not changed
    assert json.loads(json.dumps(filled)) == filled
    filled["all"][-1]["none"].clear()
    assert DEFAULT_CRITERIA_003["all"][-1]["none"]  # a deep copy
    with pytest.raises(ValueError, match="region code"):
        criteria_for_region("新县")


# --- Empty groups, errors and other subjects -------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"all": []}, True),
        ({"any": []}, False),
        ({"none": []}, True),
        ({"none": [{"all": []}]}, False),
        ({"none": [{"any": []}]}, True),
        ({"all": [{"none": [{"none": []}]}]}, False),
    ],
)
def test_empty_groups_are_identities(reference_data: None, rule: dict[str, Any], expected: bool) -> None:
    assert check(rule, make()).passed is expected
    assert validate_rule(rule, F) != []  # but administrators may not save them


def test_evaluate_and_to_q_refuse_invalid_rules_and_datetimes(reference_data: None) -> None:
    enterprise = make()
    bad = {"field": "nope", "op": "eq", "value": 1}
    with pytest.raises(RuleError) as info:
        evaluate(bad, enterprise, today=TODAY, fields=F)
    assert info.value.errors == ["规则：未知字段“nope”"]
    with pytest.raises(RuleError):
        to_q(bad, today=TODAY, fields=F)
    with pytest.raises(TypeError):
        to_q({"all": []}, today=datetime(2022, 5, 10, 8), fields=F)  # type: ignore[arg-type]


def leaf_rule(field: str, op: str, *value: Any, **extra: Any) -> dict[str, Any]:
    node: dict[str, Any] = {"field": field, "op": op, **extra}
    if value:
        node["value"] = value[0]
    return {"all": [{"field": "above_designated_size", "op": "is_true"}, node]}


SECOND = "规则 › 第2项："


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (["all"], "规则：应为条件组（all/any/none）或条件（field/op/value）"),
        ({"all": [{"any": [{"field": "livelihood", "op": "is_true"}]}], "any": []}, "规则：一个条件组只能包含"),
        ({"all": [], "field": "livelihood", "op": "is_true"}, "规则：一个条件组只能包含"),
        ({"all": "livelihood"}, "规则：“all”的内容应为列表"),
        ({"all": [{"field": "livelihood", "op": "is_true"}, {"none": []}]}, f"{SECOND}条件组“none”不能为空"),
        ({"all": [{"field": "livelihood", "op": "is_true"}], "when": 1}, "规则：不认识的键“when”"),
        (leaf_rule("livelihood", "is_true", note="x"), f"{SECOND}不认识的键“note”"),
        (leaf_rule("livelihood", "is_true", label=3), f"{SECOND}标签（label）应为文字"),
        ({"all": [{"op": "is_true"}]}, "规则 › 第1项：缺少字段（field）"),
        (leaf_rule("turnover", "gte", 1), f"{SECOND}未知字段“turnover”"),
        ({"all": [{"field": "livelihood"}]}, "规则 › 第1项：缺少运算符（op）"),
        (leaf_rule("livelihood", "between", 1), f"{SECOND}未知运算符“between”"),
        (leaf_rule("credit_status", "gte", "good"), f"{SECOND}字段“信用状况”（选项）不支持运算符“gte”"),
        (leaf_rule("livelihood", "in_region", "411523"), f"{SECOND}字段“民生商贸（电商）企业”（是/否）不支持运算符"),
        (leaf_rule("records", "eq", {}), f"{SECOND}字段“企业不良记录”（记录）不支持运算符“eq”"),
        (leaf_rule("region", "eq", "411523"), f"{SECOND}字段“行政区划”（行政区划）不支持运算符“eq”"),
        (leaf_rule("livelihood", "is_true", True), f"{SECOND}运算符“is_true”不需要取值"),
        (leaf_rule("output_value", "gte"), f"{SECOND}字段“年产值（万元）”的运算符“gte”缺少取值（value）"),
        (leaf_rule("livelihood", "eq", "yes"), f"{SECOND}字段“民生商贸（电商）企业”的取值应为 true 或 false"),
        (leaf_rule("credit_status", "eq", "excellent"), f"{SECOND}“excellent”不是字段“信用状况”的可选值"),
        (leaf_rule("credit_status", "in", []), f"{SECOND}运算符“in”的取值应为非空列表"),
        (leaf_rule("sector", "not_in", "industry"), f"{SECOND}运算符“not_in”的取值应为非空列表"),
        (leaf_rule("sector", "in", ["industry", "mining"]), f"{SECOND}“mining”不是字段“行业”的可选值"),
        (leaf_rule("output_value", "gte", "2000"), f"{SECOND}字段“年产值（万元）”的取值应为数字"),
        (leaf_rule("output_value", "gte", True), f"{SECOND}字段“年产值（万元）”的取值应为数字"),
        (leaf_rule("output_value", "gte", float("nan")), f"{SECOND}字段“年产值（万元）”的取值应为数字"),
        (leaf_rule("output_value", "gte", 10.005), f"{SECOND}字段“年产值（万元）”的取值最多保留 2 位小数"),
        (leaf_rule("output_value", "lt", 1e16), f"{SECOND}字段“年产值（万元）”的取值超出范围"),
        (leaf_rule("employee_count", "gte", 99.5), f"{SECOND}字段“职工人数”的取值应为整数"),
        (leaf_rule("park", "eq", 5), f"{SECOND}字段“所在园区”的取值应为文字"),
        (leaf_rule("region", "in_region", "4115"), f"{SECOND}行政区划代码应为 6 至 12 位数字，收到“4115”"),
        (leaf_rule("records", "any_within_years", 3), f"{SECOND}记录条件的取值应为对象"),
        (leaf_rule("records", "any_within_years", {"year": 3}), f"{SECOND}记录条件中不认识的键“year”"),
        (leaf_rule("records", "any_within_years", {"years": 0}), f"{SECOND}年数（years）应为 1 至 100 之间的整数"),
        (leaf_rule("records", "none_within_years", {"years": "3"}), f"{SECOND}年数（years）应为 1 至 100"),
        (leaf_rule("records", "none_within_years", {"kinds": ["fire"]}), f"{SECOND}“fire”不是记录类型的可选值"),
        (leaf_rule("records", "none_within_years", {"severities": []}), f"{SECOND}严重程度（severities）应为非空列表"),
        (
            {"all": [{"all": [{"all": [{"all": [{"all": [{"all": [{"all": [{"all": [{"any": []}]}]}]}]}]}]}]}]},
            "嵌套超过 8 层",
        ),
    ],
)
def test_validate_rule_explains_each_error_in_chinese(rule: Any, message: str) -> None:
    errors = validate_rule(rule, F)
    assert len(errors) == 1, errors
    assert errors[0].startswith(message) or message in errors[0], errors
    assert re.search(r"[\u4e00-\u9fff]", errors[0])


def test_validate_rule_reports_every_error() -> None:
    rule = {"any": [{"field": "turnover", "op": "eq", "value": 1}, {"all": []}, {"field": "livelihood", "op": "x"}]}
    assert validate_rule(rule, F) == [
        "规则 › 第1项：未知字段“turnover”",
        "规则 › 第2项：条件组“all”不能为空",
        "规则 › 第3项：未知运算符“x”",
    ]


def test_valid_rules_from_the_brief() -> None:
    rule = {
        "all": [
            {"field": "above_designated_size", "op": "is_true"},
            {"field": "credit_status", "op": "in", "value": ["good", "ordinary"]},
            {"field": "output_value", "op": "gte", "value": 2000},
            {"field": "employee_count", "op": "lt", "value": 1000.0},
            {
                "field": "records",
                "op": "none_within_years",
                "value": {
                    "years": 3,
                    "kinds": ["safety_accident", "quality_accident", "environmental_violation"],
                    "severities": ["serious", "major"],
                },
                "label": "近三年未发生重大安全、质量事故或严重环境违法行为",
            },
        ]
    }
    assert validate_rule(rule, F) == []


@pytest.mark.parametrize(
    ("node", "label"),
    [
        ({"field": "above_designated_size", "op": "is_true"}, "规上企业：是"),
        ({"field": "livelihood", "op": "eq", "value": False}, "民生商贸（电商）企业：否"),
        ({"field": "credit_status", "op": "in", "value": ["good", "ordinary"]}, "信用状况属于良好、一般"),
        ({"field": "output_value", "op": "gte", "value": 2000}, "年产值（万元）不低于2000"),
        ({"field": "region", "op": "in_region", "value": "411523"}, "位于行政区划 411523 内"),
        (
            {"field": "records", "op": "none_within_years", "value": {"years": 3, "kinds": ["safety_accident"]}},
            "近3年无安全生产事故记录",
        ),
        (
            {"field": "records", "op": "any_within_years", "value": {"severities": ["major"]}},
            "曾有重大记录",
        ),
    ],
)
def test_default_labels(node: dict[str, Any], label: str) -> None:
    assert describe_leaf(node, F) == label


def test_registry_is_pluggable(reference_data: None) -> None:
    """Another subject (here: regions) declares its own fields and gets the same engine."""
    region_fields = make_fields(
        FieldSpec("level", "级别", "choice", "level", choices=tuple(RegionLevel.choices)),
        FieldSpec("name", "名称", "text", "name"),
        FieldSpec("within", "所属区划", "region", "path"),
    )
    rule = {
        "all": [
            {"field": "level", "op": "eq", "value": "county"},
            {"field": "within", "op": "in_region", "value": "411500"},
        ]
    }
    by_q = set(Region.objects.filter(to_q(rule, today=TODAY, fields=region_fields)).values_list("code", flat=True))
    by_evaluate = {r.code for r in Region.objects.all() if evaluate(rule, r, today=TODAY, fields=region_fields).passed}
    assert XINXIAN in by_q and by_q == by_evaluate
    assert subject_fields("enterprise") is F
    with pytest.raises(ValueError, match="duplicate"):
        make_fields(F["park"], F["park"])


# --- evaluate and to_q agree (hypothesis) ----------------------------------------------------------

ENTERPRISE_REGIONS = ["410222", "410222001", "410222002", "411523100", "410184001"]
RULE_REGIONS = ["410000", "410100", "410184", "410200", "410222", "410222001", "222001", "411500", "411523"]
DECIMALS = ["0", "999.99", "1000", "1000.01", "2000"]
RULE_NUMBERS: dict[str, list[Any]] = {
    "output_value": [0, 999.99, 1000, 1000.0, 1000.01, 1500.5, 2000],
    "investment": [0, 999.99, 1000, 1000.01, 2000],
    "employee_count": [0, 99, 100, 101],
}
TEXTS = ["", "产业园", "物流园"]
TODAYS = [date(2022, 5, 10), date(2024, 2, 29), date(2023, 3, 1)]


def leaf_strategy(spec: FieldSpec) -> st.SearchStrategy[dict[str, Any]]:
    def ops(names: list[str], values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
        return st.builds(lambda op, value: {"op": op, "value": value}, st.sampled_from(names), values)

    def scalar_and_list(values: list[Any], scalar_ops: list[str]) -> st.SearchStrategy[dict[str, Any]]:
        return ops(scalar_ops, st.sampled_from(values)) | ops(
            ["in", "not_in"], st.lists(st.sampled_from(values), min_size=1, max_size=3)
        )

    if spec.kind == "bool":
        strategy = st.sampled_from([{"op": "is_true"}, {"op": "is_false"}]) | ops(["eq", "ne"], st.booleans())
    elif spec.kind == "choice":
        strategy = scalar_and_list([value for value, _ in spec.choices], ["eq", "ne"])
    elif spec.kind == "text":
        strategy = scalar_and_list(TEXTS, ["eq", "ne"])
    elif spec.kind == "number":
        strategy = scalar_and_list(RULE_NUMBERS[spec.name], ["eq", "ne", "gt", "gte", "lt", "lte"])
    elif spec.kind == "region":
        strategy = ops(["in_region"], st.sampled_from(RULE_REGIONS))
    else:
        assert spec.records is not None
        kinds = [value for value, _ in spec.records.kinds]
        severities = [value for value, _ in spec.records.severities]
        window = st.fixed_dictionaries(
            {},
            optional={
                "years": st.integers(1, 4),
                "kinds": st.lists(st.sampled_from(kinds), min_size=1, max_size=3, unique=True),
                "severities": st.lists(st.sampled_from(severities), min_size=1, max_size=2, unique=True),
            },
        )
        strategy = ops(["any_within_years", "none_within_years"], window)
    return strategy.map(lambda node: {"field": spec.name, **node})


# The records and region leaves carry the subtle semantics (window edges, path segments): weight them up
# (records first, too: hypothesis leans towards the first choice).
LEAF_FIELDS = ["records", *F, "records", "records", "records", "region", "records", "region"]
LEAVES = st.sampled_from(LEAF_FIELDS).flatmap(lambda name: leaf_strategy(F[name]))


@st.composite
def rules(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    """A group of up to four nodes, nested at most three deep; about one group in ten is empty.

    Written out rather than st.recursive, whose leaves lean heavily on the first field in the registry.
    """
    group = draw(st.sampled_from(GROUPS))
    size = draw(st.sampled_from([1, 2, 3, 4, 2, 3, 4, 3, 4, 0]))
    children = []
    for _ in range(size):
        nested = depth < 2 and draw(st.integers(0, 3)) == 3
        children.append(draw(rules(depth + 1)) if nested else draw(LEAVES))
    return {group: children}


RULES = rules()
RECORDS = st.tuples(
    st.sampled_from([value for value, _ in RecordKind.choices]),
    st.sampled_from([value for value, _ in RecordSeverity.choices]),
    st.integers(0, 4),  # years back
    st.sampled_from([-1, 0, 1]),  # days around that anniversary (0 years back, +1: tomorrow)
)
ENTERPRISES = st.fixed_dictionaries(
    {
        "region": st.sampled_from(ENTERPRISE_REGIONS),
        **{
            name: st.sampled_from([value for value, _ in F[name].choices])
            for name in ("operating_status", "credit_status", "sector", "kind", "service_level")
        },
        **{name: st.booleans() for name, spec in F.items() if spec.kind == "bool"},
        "output_value": st.sampled_from(DECIMALS),
        "investment": st.sampled_from(DECIMALS),
        "employee_count": st.sampled_from(RULE_NUMBERS["employee_count"]),
        "park": st.sampled_from(TEXTS),
        "records": st.lists(RECORDS, max_size=4),
    }
)


def create_enterprise(attributes: dict[str, Any], regions: dict[str, Region], today: date) -> Enterprise:
    fields = dict(attributes)
    records = fields.pop("records")
    fields["region"] = regions[fields["region"]]
    fields["output_value"], fields["investment"] = Decimal(fields["output_value"]), Decimal(fields["investment"])
    enterprise = EnterpriseFactory(**fields)
    for kind, severity, years_back, days in records:
        occurred_on = date.fromordinal(years_before(today, years_back).toordinal() + days)
        add_record(enterprise, kind, severity, occurred_on)
    return enterprise


def sub_rules(rule: dict[str, Any], explanation: Explanation) -> list[tuple[dict[str, Any], Explanation]]:
    """Every node of the rule with its explanation node, root first."""
    pairs = [(rule, explanation)]
    if explanation.group is not None:
        for child, child_explanation in zip(rule[explanation.group], explanation.children, strict=True):
            pairs += sub_rules(child, child_explanation)
    return pairs


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rule=RULES, enterprises=st.lists(ENTERPRISES, min_size=2, max_size=5), today=st.sampled_from(TODAYS))
def test_evaluate_agrees_with_to_q(
    reference_data: None, rule: dict[str, Any], enterprises: list[dict[str, Any]], today: date
) -> None:
    """For every enterprise and every node of the rule (not only the root), evaluate == to_q."""
    assert validate_rule(rule, F, allow_empty_groups=True) == []
    regions = {region.code: region for region in Region.objects.filter(code__in=ENTERPRISE_REGIONS)}
    with transaction.atomic():
        pks = [create_enterprise(attributes, regions, today).pk for attributes in enterprises]
        everyone = Enterprise.objects.filter(pk__in=pks).select_related("region").prefetch_related("records")
        explanations = {enterprise.pk: evaluate(rule, enterprise, today=today, fields=F) for enterprise in everyone}
        for enterprise in everyone:  # the explanation-free path (policy matching) says the same
            assert passes(rule, enterprise, today=today, fields=F) == explanations[enterprise.pk].passed
        for explanation in explanations.values():
            by_node = sub_rules(rule, explanation)
            culprits = explanation.failed_leaves()
            assert all(item.passed != item.wanted for item in culprits)
            if "[]" not in json.dumps(rule):  # with no empty group, a failure always names a leaf
                assert bool(culprits) == (not explanation.passed)
        for index in range(len(by_node)):
            node = by_node[index][0]
            selected = set(
                Enterprise.objects.filter(to_q(node, today=today, fields=F))
                .filter(pk__in=pks)
                .values_list("pk", flat=True)
            )
            for pk, explanation in explanations.items():
                assert sub_rules(rule, explanation)[index][1].passed == (pk in selected), (node, pk)
        transaction.set_rollback(True)
