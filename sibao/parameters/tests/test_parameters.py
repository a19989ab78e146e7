"""Rule parameters: the seeds' numbers as defaults, per-region overrides, refusal of bad values (SPEC §0, WL-5/6)."""

import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import region, township_of
from sibao.core.errors import ServiceError
from sibao.parameters.models import ParameterOverride
from sibao.parameters.registry import (
    DEFINITIONS,
    WHITELIST_COVERAGE_BY,
    WHITELIST_COVERAGE_PERCENT,
    WHITELIST_FIRST_BATCH_BY,
    WHITELIST_TOWNSHIP_FIRST_CHECK,
    Definition,
    define,
)
from sibao.parameters.selectors import Origin, parameter_table, parameter_value
from sibao.parameters.services import parameter_reset, parameter_set

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
COVERAGE = WHITELIST_COVERAGE_PERCENT.key


class TestDefaults:
    def test_defaults_are_the_seed_numbers(self, reference_data: None) -> None:
        """000#二.1 / 001#附件1-五.3: 70 %, first batch by the end of May, 70 % by the end of June."""
        tongxu = region("410222")

        assert parameter_value(COVERAGE, tongxu) == Decimal("70")
        assert parameter_value(WHITELIST_FIRST_BATCH_BY, tongxu) == "05-31"
        assert parameter_value(WHITELIST_COVERAGE_BY, tongxu) == "06-30"
        assert parameter_value(WHITELIST_TOWNSHIP_FIRST_CHECK, tongxu) is False

    def test_default_without_a_region(self) -> None:
        assert parameter_value(COVERAGE, None) == Decimal("70")

    def test_every_definition_names_its_source_or_is_a_platform_setting(self) -> None:
        for spec in DEFINITIONS.values():
            spec.parse(spec.default)  # every default is valid
        assert "000#" in WHITELIST_COVERAGE_PERCENT.source
        assert WHITELIST_FIRST_BATCH_BY.source and WHITELIST_COVERAGE_BY.source

    def test_a_bad_default_or_a_second_declaration_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError):
            define(Definition("test.bad", "坏的", "int", "many"))
        with pytest.raises(ValueError, match="twice"):
            define(WHITELIST_COVERAGE_PERCENT)


class TestOverrides:
    def test_county_beats_city_beats_default(self, personas: Any) -> None:
        kaifeng, tongxu = region("410200"), region("410222")
        lankao = region("410225")  # another county of 开封市
        xinzheng = region("410184")  # 郑州市: not under 开封
        parameter_set(actor=personas.admin, key=COVERAGE, region=kaifeng, value="75", note="市通知")
        parameter_set(actor=personas.admin, key=COVERAGE, region=tongxu, value="80")

        assert parameter_value(COVERAGE, tongxu) == Decimal("80")
        assert parameter_value(COVERAGE, township_of("410222")) == Decimal("80")  # inherited from the county
        assert parameter_value(COVERAGE, lankao) == Decimal("75")  # inherited from the city
        assert parameter_value(COVERAGE, kaifeng) == Decimal("75")
        assert parameter_value(COVERAGE, xinzheng) == Decimal("70")  # default

        parameter_reset(actor=personas.admin, key=COVERAGE, region=tongxu)
        assert parameter_value(COVERAGE, tongxu) == Decimal("75")

    def test_setting_again_replaces_the_regions_own_value(self, personas: Any) -> None:
        tongxu = region("410222")
        parameter_set(actor=personas.admin, key=WHITELIST_FIRST_BATCH_BY.key, region=tongxu, value="6-5")
        override = parameter_set(actor=personas.admin, key=WHITELIST_FIRST_BATCH_BY.key, region=tongxu, value="06-15")

        assert ParameterOverride.objects.filter(key=WHITELIST_FIRST_BATCH_BY.key).count() == 1
        assert override.value == "06-15"
        assert override.updated_by == personas.admin
        assert parameter_value(WHITELIST_FIRST_BATCH_BY, tongxu) == "06-15"

    def test_values_are_stored_normalised_and_read_typed(self, personas: Any) -> None:
        tongxu = region("410222")
        parameter_set(actor=personas.admin, key=COVERAGE, region=tongxu, value=" 72.5 ")
        parameter_set(actor=personas.admin, key=WHITELIST_TOWNSHIP_FIRST_CHECK.key, region=tongxu, value="是")

        assert ParameterOverride.objects.get(key=COVERAGE).value == "72.5"
        assert parameter_value(COVERAGE, tongxu) == Decimal("72.5")
        assert parameter_value(WHITELIST_TOWNSHIP_FIRST_CHECK, tongxu) is True

    def test_the_table_lists_every_parameter_with_default_value_and_where_it_comes_from(self, personas: Any) -> None:
        tongxu, kaifeng = region("410222"), region("410200")
        parameter_set(actor=personas.admin, key=COVERAGE, region=kaifeng, value="80", note="汴政〔2022〕1号")

        rows = {row.definition.key: row for row in parameter_table(tongxu)}

        assert set(rows) == set(DEFINITIONS)
        coverage = rows[COVERAGE]
        assert (coverage.default, coverage.normal.value, coverage.in_force) == (Decimal("70"), Decimal("80"), 80)
        assert (coverage.normal.origin, coverage.normal.region, coverage.normal.own) == (Origin.REGION, kaifeng, None)
        assert coverage.emergency.origin == Origin.NORMAL and coverage.emergency.value == Decimal("80")
        assert {row.definition.key: row.set_below for row in parameter_table(kaifeng)}[COVERAGE] == 0
        assert {row.definition.key: row.set_below for row in parameter_table(region("410000"))}[COVERAGE] == 1
        own = {row.definition.key: row for row in parameter_table(kaifeng)}[COVERAGE].normal.own
        assert own is not None and own.note == "汴政〔2022〕1号" and own.updated_by == personas.admin


class TestRefusals:
    @pytest.mark.parametrize(
        ("key", "value"),
        [
            (COVERAGE, "七十"),
            (COVERAGE, "101"),
            (COVERAGE, "0"),
            (COVERAGE, "NaN"),
            ("whitelist.attachment_max_mb", "2.5"),
            (WHITELIST_FIRST_BATCH_BY.key, "13-45"),
            (WHITELIST_FIRST_BATCH_BY.key, "五月底"),
            (WHITELIST_TOWNSHIP_FIRST_CHECK.key, "也许"),
        ],
    )
    def test_invalid_values_are_refused_in_chinese_and_nothing_is_stored(
        self, personas: Any, key: str, value: str
    ) -> None:
        with pytest.raises(ServiceError) as refused:
            parameter_set(actor=personas.admin, key=key, region=region("410222"), value=value)

        assert refused.value.code == "parameters.invalid"
        assert refused.value.field == "value"
        # The label and the reason, both in Chinese: "白名单覆盖率目标…：请填写 1 至 100 之间的值。"
        label, _sep, reason = refused.value.message.partition("：")
        assert CHINESE.search(label), refused.value.message
        assert CHINESE.search(reason), refused.value.message
        assert not ParameterOverride.objects.exists()

    def test_unknown_parameter_is_refused(self, personas: Any) -> None:
        with pytest.raises(ServiceError) as refused:
            parameter_set(actor=personas.admin, key="whitelist.nonsense", region=region("410222"), value="1")

        assert refused.value.code == "parameters.unknown"
        assert CHINESE.search(refused.value.message)

    def test_admin_form_validation_refuses_the_same_values(self, reference_data: None) -> None:
        override = ParameterOverride(key=COVERAGE, region=region("410222"), value="150")
        with pytest.raises(ValidationError) as refused:
            override.full_clean()
        assert "value" in refused.value.message_dict

        unknown = ParameterOverride(key="nope", region=region("410222"), value="1")
        with pytest.raises(ValidationError) as refused:
            unknown.full_clean()
        assert "key" in refused.value.message_dict

    def test_leap_day_is_a_valid_month_day(self, personas: Any) -> None:
        tongxu = region("410222")
        parameter_set(actor=personas.admin, key=WHITELIST_COVERAGE_BY.key, region=tongxu, value="02-29")
        assert parameter_value(WHITELIST_COVERAGE_BY, tongxu) == "02-29"
