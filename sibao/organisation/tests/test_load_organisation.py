"""OR-2..OR-6: the shipped command HQs, task forces and units load exactly and idempotently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sibao.core.sectors import Sector
from sibao.organisation.loading import DATA_DIR, load_organisation
from sibao.organisation.models import (
    SECTOR_LEAD_FUNCTION,
    Membership,
    MembershipRole,
    Person,
    TaskForceKind,
    Unit,
    UnitKind,
)
from sibao.regions.models import Region, RegionLevel

TONGXU = "410222"
TONGXU_FILE = DATA_DIR / "410222_tongxu.json"
REGION_FILES = {
    "410222": "410222_tongxu.json",
    "410184": "410184_xinzheng.json",
    "411322": "411322_fangcheng.json",
    "411523": "411523_xinxian.json",
    "410200": "410200_kaifeng.json",
    "410000": "410000_henan.json",
}
# Real names given by the seeds outside 通许县 (000: 新郑市 责任领导). Everyone else in a demo file is a placeholder.
SEED_NAMES_OUTSIDE_TONGXU = {"张慧娴", "赵恒康", "陶向华", "王淑慧", "朱海新", "赵红林"}

# 001 附件3: task force -> (组长, 副组长, 办公室主任, 办公地点, lead department short name)
TONGXU_TASK_FORCES = {
    TaskForceKind.COORDINATION: ("董高胜", ["刘煌通", "贠长青"], "贠长青", "县政府一楼", "县发展改革委"),
    TaskForceKind.INDUSTRY: ("田磊", ["曹勇涛", "赵明"], "赵明", "县科工局", "县科工局"),
    TaskForceKind.COMMERCE: ("田磊", ["曹勇涛", "徐杰"], "徐杰", "县商务局", "县商务局"),
    TaskForceKind.TRANSPORT: ("田磊", ["曹勇涛", "邰春峰"], "邰春峰", "县交通运输局", "县交通运输局"),
    TaskForceKind.CULTURE_TOURISM: ("程芸", ["董彩虹", "李旭华"], "李旭华", "县文化广电和旅游局", "县文化广电和旅游局"),
    TaskForceKind.KEY_PROJECT: ("董高胜", ["刘煌通", "于睿峰"], "于睿峰", "县重点办", "县重点项目建设服务中心"),
    TaskForceKind.EPIDEMIC: ("李若琬", ["董彩虹", "王伟"], "王伟", "县卫健委", "县卫健委"),
    TaskForceKind.SUPERVISION: ("董高胜", ["刘煌通", "连海兵"], "连海兵", "县委、县政府督查局", "县委、县政府督查局"),
}
TONGXU_SECTOR_DEPARTMENTS = {
    Sector.INDUSTRY: "县科工局",
    Sector.COMMERCE: "县商务局",
    Sector.TRANSPORT: "县交通运输局",
    Sector.CULTURE_TOURISM: "县文化广电和旅游局",
    Sector.KEY_PROJECT: "县重点项目建设服务中心",
}


def names(unit: Unit, role: str) -> list[str]:
    return [m.person.name for m in unit.memberships.filter(role=role).select_related("person").order_by("order")]


def table_counts() -> tuple[int, int, int]:
    return Unit.objects.count(), Person.objects.count(), Membership.objects.count()


def write(tmp_path: Path, document: dict[str, Any], name: str = "410222_test.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_tongxu_hq_roster(loaded: dict[str, int]) -> None:
    hq = Unit.objects.get(region__code=TONGXU, kind=UnitKind.HQ)
    assert hq.name == "通许县常态化疫情防控下经济运行调度机制指挥部"
    commander = hq.memberships.get(role=MembershipRole.COMMANDER).person
    assert (commander.name, commander.post) == ("憨振强", "县委副书记、县长")
    first = hq.memberships.get(role=MembershipRole.FIRST_DEPUTY).person
    assert (first.name, first.post) == ("董高胜", "县委常委、常务副县长")
    assert names(hq, MembershipRole.DEPUTY) == ["程芸", "高玉成", "李健", "田磊", "荣小伟", "李若琬"]
    members = names(hq, MembershipRole.MEMBER)
    assert len(members) == 20
    assert members[0] == "李新义" and members[-1] == "马霄"
    assert Person.objects.get(name="程芸").post == "县委常委、宣传部长、副县长"
    assert Person.objects.get(name="徐杰").post == "县招商服务中心主任、主持商务局工作"
    assert Person.objects.get(name="朴俊杰").post == "县税务局副局长"
    zhao = Person.objects.get(name="赵明")
    assert zhao.post == "县科工局局长"
    assert zhao.employer is not None and zhao.employer.short_name == "县科工局"


@pytest.mark.django_db
def test_tongxu_office(loaded: dict[str, int]) -> None:
    hq = Unit.objects.get(region__code=TONGXU, kind=UnitKind.HQ)
    office = Unit.objects.get(region__code=TONGXU, kind=UnitKind.HQ_OFFICE)
    assert office.parent == hq
    assert office.lead_department is not None
    assert office.lead_department.short_name == "县发展改革委"
    assert office.lead_department.name == "通许县发展改革委"
    assert office.office_location == "县政府一楼"


@pytest.mark.django_db
def test_tongxu_task_forces(loaded: dict[str, int]) -> None:
    hq = Unit.objects.get(region__code=TONGXU, kind=UnitKind.HQ)
    task_forces = Unit.objects.filter(region__code=TONGXU, kind=UnitKind.TASK_FORCE)
    assert task_forces.count() == 8
    assert {tf.task_force_kind for tf in task_forces} == set(TaskForceKind.values)
    for kind, (leader, deputies, director, location, lead) in TONGXU_TASK_FORCES.items():
        tf = task_forces.get(task_force_kind=kind)
        assert tf.parent == hq
        assert names(tf, MembershipRole.LEADER) == [leader], kind
        assert names(tf, MembershipRole.DEPUTY_LEADER) == deputies, kind
        assert names(tf, MembershipRole.OFFICE_DIRECTOR) == [director], kind
        assert tf.office_location == location, kind
        assert tf.lead_department is not None and tf.lead_department.short_name == lead, kind
        assert tf.duties, kind
    industry = task_forces.get(task_force_kind=TaskForceKind.INDUSTRY)
    assert industry.name == "通许县工业生产工作专班" and industry.short_name == "工业生产工作专班"
    assert industry.duties == "负责制定工业生产领域白名单、工业生产白名单企业疫情防控工作指南等相关工作。"
    supervision = task_forces.get(task_force_kind=TaskForceKind.SUPERVISION)
    assert supervision.duties.startswith(
        "负责制定督办督查工作方案；对常态化疫情防控下全县经济运行工作落实情况督办督查工作。根据"
    )
    assert supervision.duties.endswith("提出工作意见建议。")


@pytest.mark.django_db
def test_people_in_several_roles_are_one_person(loaded: dict[str, int]) -> None:
    dong = Person.objects.get(name="董高胜")
    roles = sorted((m.unit.task_force_kind or m.unit.kind, m.role) for m in dong.memberships.select_related("unit"))
    assert roles == [
        ("coordination", "leader"),
        ("hq", "first_deputy"),
        ("key_project", "leader"),
        ("supervision", "leader"),
    ]
    tian = Person.objects.get(name="田磊")
    assert tian.memberships.count() == 4  # 副指挥长 + 3 组长
    yun = Person.objects.get(name="贠长青")
    assert sorted(yun.memberships.values_list("role", flat=True)) == ["deputy_leader", "member", "office_director"]
    for name in ("刘煌通", "曹勇涛", "董彩虹"):
        person = Person.objects.get(name=name)
        assert person.post == ""
        assert person.memberships.count() >= 2


@pytest.mark.django_db
def test_sectors_map_to_their_lead_departments(loaded: dict[str, int]) -> None:
    for sector, short_name in TONGXU_SECTOR_DEPARTMENTS.items():
        department = Unit.objects.get(region__code=TONGXU, kind=UnitKind.DEPARTMENT, sector=sector)
        assert department.short_name == short_name
        assert department.function == SECTOR_LEAD_FUNCTION[sector]
    for code in REGION_FILES:
        departments = Unit.objects.filter(region__code=code, kind=UnitKind.DEPARTMENT).exclude(sector="")
        assert sorted(departments.values_list("sector", flat=True)) == sorted(Sector.values), code
        for department in departments:
            assert department.function == SECTOR_LEAD_FUNCTION[department.sector]
        # OR-4: the sector task forces map to the same sector as their lead department.
        for tf in Unit.objects.filter(region__code=code, kind=UnitKind.TASK_FORCE).exclude(sector=""):
            assert tf.lead_department is not None and tf.lead_department.sector == tf.sector


@pytest.mark.django_db
def test_every_department_has_a_policy_consultant(loaded: dict[str, int]) -> None:
    departments = Unit.objects.filter(kind=UnitKind.DEPARTMENT).select_related("policy_consultant")
    assert departments.count() >= 6 * 17
    for department in departments:
        consultant = department.policy_consultant
        assert consultant is not None, department.name
        assert consultant.phone and consultant.employer == department


@pytest.mark.django_db
def test_every_task_force_has_an_epidemic_expert(loaded: dict[str, int]) -> None:
    for code in REGION_FILES:
        task_forces = Unit.objects.filter(region__code=code, kind=UnitKind.TASK_FORCE)
        assert task_forces.count() == 8, code
        for tf in task_forces:
            experts = tf.memberships.filter(role=MembershipRole.EPIDEMIC_EXPERT).select_related("person")
            assert experts, tf.name
            assert all(m.person.is_epidemic_expert for m in experts)
    # 通许县 names no expert: the shipped ones are placeholders employed by the 卫健委.
    expert = Membership.objects.get(
        unit__region__code=TONGXU, unit__task_force_kind=TaskForceKind.EPIDEMIC, role=MembershipRole.EPIDEMIC_EXPERT
    ).person
    assert expert.name.startswith("示例·")
    assert expert.employer is not None and expert.employer.short_name == "县卫健委"


@pytest.mark.django_db
def test_townships_and_medical_institutions(loaded: dict[str, int]) -> None:
    for code in ("410222", "410184", "411322", "411523"):
        county = Region.objects.get(code=code)
        township_codes = set(county.children.filter(level=RegionLevel.TOWNSHIP).values_list("code", flat=True))
        units = Unit.objects.filter(kind=UnitKind.TOWNSHIP, region__parent=county)
        assert set(units.values_list("region__code", flat=True)) == township_codes, code
        assert units.count() == len(township_codes)
    assert Unit.objects.get(region__code="410222001", kind=UnitKind.TOWNSHIP).name == "通许县咸平街道办事处"
    assert Unit.objects.get(region__code="410222101", kind=UnitKind.TOWNSHIP).name == "通许县竖岗镇人民政府"
    # 高新区 has no division code: its 管委会 sits at county level.
    assert Unit.objects.get(name="通许县高新区管委会").region.code == TONGXU
    medical = set(Unit.objects.filter(kind=UnitKind.MEDICAL, region__code=TONGXU).values_list("short_name", flat=True))
    assert medical == {"县人民医院", "县中医院", "县妇幼保健院"}
    assert Unit.objects.get(region__code="410222101", kind=UnitKind.MEDICAL).name == "通许县竖岗镇卫生院"


@pytest.mark.django_db
def test_loading_twice_changes_nothing(loaded: dict[str, int]) -> None:
    first = loaded
    assert first["units_created"] > 0 and first["people_created"] > 0 and first["memberships_created"] > 0
    before = table_counts()
    second = load_organisation(DATA_DIR)
    assert table_counts() == before
    assert {key: value for key, value in second.items() if key != "files"} == dict.fromkeys(
        (
            "units_created",
            "units_updated",
            "people_created",
            "people_updated",
            "memberships_created",
            "memberships_updated",
        ),
        0,
    )


@pytest.mark.django_db
def test_changed_file_updates_in_place(loaded: dict[str, int], tmp_path: Path) -> None:
    before = table_counts()
    document = json.loads(TONGXU_FILE.read_text(encoding="utf-8"))
    document["hq"]["members"][0]["post"] = "县长"
    document["office"]["location"] = "县政府二楼"
    result = load_organisation(write(tmp_path, document))
    assert table_counts() == before
    assert (result["people_updated"], result["units_updated"]) == (1, 1)
    assert result["units_created"] == result["people_created"] == result["memberships_created"] == 0
    assert Person.objects.get(name="憨振强").post == "县长"
