"""OR-2..OR-6: what the organisation files ship, and how a wrong file or a missing region is refused before
anything is written (these run on an empty organisation; the loaded one is checked in test_load_organisation)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from sibao.organisation.loading import DATA_DIR, OrganisationDataError, load_organisation
from sibao.organisation.models import Unit
from sibao.organisation.tests.test_load_organisation import (
    REGION_FILES,
    SEED_NAMES_OUTSIDE_TONGXU,
    TONGXU,
    TONGXU_FILE,
    write,
)
from sibao.regions.models import Region


def test_one_file_per_region() -> None:
    shipped = {path.name for path in DATA_DIR.glob("*.json")}
    assert shipped == set(REGION_FILES.values())
    for code, file_name in REGION_FILES.items():
        document = json.loads((DATA_DIR / file_name).read_text(encoding="utf-8"))
        assert document["region"] == code
        assert document["demo_people"] is (code != TONGXU)


def test_demo_files_use_placeholders_only() -> None:
    """No invented names for real officials: outside 通许县, only names the seeds give are real."""
    for file_name in REGION_FILES.values():
        text = (DATA_DIR / file_name).read_text(encoding="utf-8")
        document = json.loads(text)
        people = {m["name"] for m in document["hq"]["members"]}
        people |= {m["name"] for tf in document["task_forces"] for m in tf["members"]}
        people |= {d["policy_consultant"]["name"] for d in document["departments"]}
        real = {name for name in people if not name.startswith("示例·")}
        if document["region"] == TONGXU:
            assert all(not any(ch.isspace() for ch in name) for name in people)
            assert len(real) == 31  # 28 HQ members + 刘煌通, 曹勇涛, 董彩虹
        else:
            assert real <= SEED_NAMES_OUTSIDE_TONGXU, real


@pytest.mark.django_db
def test_command_output(reference_data: None) -> None:
    out = StringIO()
    call_command("load_organisation", stdout=out)
    assert "组织机构" in out.getvalue() and "新增单位" in out.getvalue()
    out = StringIO()
    call_command("load_organisation", str(TONGXU_FILE), stdout=out)
    assert "新增单位 0" in out.getvalue() and "新增人员 0" in out.getvalue() and "新增任职 0" in out.getvalue()


@pytest.mark.django_db
def test_fails_clearly_without_regions(reference_data: None) -> None:
    Region.objects.filter(parent__code=TONGXU).delete()
    Region.objects.filter(code=TONGXU).delete()
    with pytest.raises(OrganisationDataError, match=r"410222.*load_regions"):
        load_organisation(DATA_DIR)
    assert Unit.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["departments"][0].pop("policy_consultant"), "policy_consultant"),
        (lambda d: d["task_forces"][1]["members"].pop(), "疫情防控专家"),
        (lambda d: d["task_forces"][1].update(lead="县不存在局"), "县不存在局"),
        (lambda d: d["departments"][0].update(sector="industry"), "领办"),
        (lambda d: d["hq"]["members"][0].update(role="leader"), "leader"),
        (lambda d: d["task_forces"][1].update(kind="coordination"), "重复"),
    ],
)
def test_invalid_files_are_rejected_before_writing(
    reference_data: None, tmp_path: Path, change: Any, message: str
) -> None:
    document = json.loads(TONGXU_FILE.read_text(encoding="utf-8"))
    change(document)
    with pytest.raises(OrganisationDataError, match=message):
        load_organisation(write(tmp_path, document))
    assert Unit.objects.count() == 0
