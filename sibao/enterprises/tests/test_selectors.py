"""EN-1 list filters and search: region subtree, sector, kind, flags, name, pinyin initials, code."""

import pytest

from conftest import Personas, township_of
from sibao.core.sectors import Sector
from sibao.enterprises.models import EntityKind
from sibao.enterprises.selectors import EnterpriseFilters, enterprise_list
from sibao.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def names(user, **filters) -> set[str]:  # type: ignore[no-untyped-def]
    return set(enterprise_list(user=user, filters=EnterpriseFilters(**filters)).values_list("name", flat=True))


def test_search_by_chinese_name_pinyin_initials_and_code(personas: Personas) -> None:
    user = personas.henan_hq
    assert names(user, query="恒达") == {"通许县恒达机械制造有限公司"}
    assert names(user, query="txxhd") == {"通许县恒达机械制造有限公司"}
    assert names(user, query="TXXHD") == {"通许县恒达机械制造有限公司"}
    assert names(user, query=personas.ent_b.uscc.lower()) == {"通许县惠民商贸有限公司"}


def test_filter_by_region_subtree_sector_kind_and_flag(personas: Personas) -> None:
    user = personas.henan_hq
    project = EnterpriseFactory(
        name="通许县年产5万吨食品加工项目",
        region=township_of("410222"),
        sector=Sector.KEY_PROJECT,
        kind=EntityKind.KEY_PROJECT,
        investment=50000,
        city_operation=True,
    )
    assert names(user, region_code="410200") == {personas.ent_a.name, personas.ent_b.name, project.name}  # 开封市
    assert names(user, region_code="410184") == {personas.ent_xinzheng.name}
    assert names(user, region_code=personas.ent_a.region.code) >= {personas.ent_a.name}
    assert names(user, sector="commerce") == {personas.ent_b.name}
    assert names(user, kind="key_project") == {project.name}
    assert names(user, flag="city_operation") == {project.name}
    assert names(user, region_code="999999") == set()


def test_filters_never_widen_the_scope(personas: Personas) -> None:
    # 通许县's officer asks for 新郑市: gets nothing rather than another county's data.
    assert names(personas.tongxu_hq, region_code="410184") == set()


def test_key_projects_count_by_investment(personas: Personas) -> None:
    project = EnterpriseFactory(
        region=township_of("410222"), kind=EntityKind.KEY_PROJECT, investment=800, output_value=0
    )
    assert project.value_for_coverage == 800
    assert personas.ent_a.value_for_coverage == personas.ent_a.output_value
