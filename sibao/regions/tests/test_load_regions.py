"""OR-1: the Henan division tree ships as data and loads idempotently."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sibao.regions.management.commands.load_regions import DEFAULT_FILE
from sibao.regions.models import Region, RegionLevel

SEED_COUNTIES = {"410184": "新郑市", "410222": "通许县", "411322": "方城县", "411523": "新县"}


@pytest.fixture(autouse=True)
def empty_region_table(request: pytest.FixtureRequest) -> None:
    """The suite loads Henan once per test database; these tests start from an empty table
    (inside the test's transaction, so the rows come back afterwards)."""
    if "django_db" in request.keywords or any(name in request.fixturenames for name in ("db", "transactional_db")):
        Region.objects.all()._raw_delete(Region.objects.db)


def load(path: Path | None = None) -> str:
    out = StringIO()
    args = ["--file", str(path)] if path else []
    call_command("load_regions", *args, stdout=out)
    return out.getvalue()


def write_regions(tmp_path: Path, rows: list[list[str | None]], name: str = "regions.json") -> Path:
    path = tmp_path / name
    document = {"source": "test fixture", "vintage": "test", "licence": "n/a", "generated_by": "test", "regions": rows}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_shipped_file_shape() -> None:
    document = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    assert document["vintage"] == "2023"
    assert document["source"] and document["licence"]
    rows = document["regions"]
    levels = {row[2] for row in rows}
    assert levels == set(RegionLevel.values)
    # Parent before child, so the file can be read top-down.
    seen: set[str] = set()
    for code, _name, _level, parent in rows:
        assert parent is None or parent in seen, code
        seen.add(code)
    cities = [row for row in rows if row[2] == RegionLevel.CITY]
    assert len(cities) == 18  # 17 prefecture-level cities + 济源市


@pytest.mark.django_db
def test_seed_counties_and_parents() -> None:
    load()
    for code, name in SEED_COUNTIES.items():
        county = Region.objects.get(code=code)
        assert county.name == name
        assert county.level == RegionLevel.COUNTY
        assert county.is_active

    tongxu = Region.objects.get(code="410222")
    assert tongxu.parent is not None and tongxu.parent.code == "410200"
    assert tongxu.parent.name == "开封市"
    assert tongxu.parent.parent is not None and tongxu.parent.parent.code == "410000"
    assert tongxu.parent.parent.name == "河南省"
    assert tongxu.path == "410000/410200/410222/"
    assert tongxu.path == tongxu.build_path()
    assert tongxu.children.filter(name="咸平街道", level=RegionLevel.TOWNSHIP).exists()
    assert Region.objects.get(code="410222001").full_name == "开封市通许县咸平街道"

    jiyuan = Region.objects.get(code="419001")
    assert jiyuan.name == "济源市"
    assert jiyuan.level == RegionLevel.CITY
    assert jiyuan.parent is not None and jiyuan.parent.code == "410000"
    assert jiyuan.children.filter(level=RegionLevel.TOWNSHIP).exists()
    assert not Region.objects.filter(code__startswith="4190", level=RegionLevel.CITY).exclude(code="419001").exists()


@pytest.mark.django_db
def test_every_path_matches_its_parent() -> None:
    load()
    paths = dict(Region.objects.values_list("pk", "path"))
    for region in Region.objects.all():
        expected = (paths[region.parent_id] if region.parent_id else "") + region.code + "/"
        assert region.path == expected, region.code


@pytest.mark.django_db
def test_loading_twice_changes_nothing() -> None:
    first = load()
    count = Region.objects.count()
    snapshot = list(Region.objects.values_list("code", "name", "level", "parent_id", "path", "is_active"))
    assert f"新增 {count}，" in first

    second = load()
    assert "新增 0，更新 0，停用 0" in second
    assert Region.objects.count() == count
    assert list(Region.objects.values_list("code", "name", "level", "parent_id", "path", "is_active")) == snapshot


@pytest.mark.django_db
def test_subtree_of_a_city() -> None:
    load()
    kaifeng = Region.objects.get(code="410200")
    subtree = Region.objects.subtree(kaifeng)
    codes = set(subtree.values_list("code", flat=True))
    assert "410200" in codes
    assert "410222" in codes  # 通许县
    tongxu_townships = set(Region.objects.filter(parent__code="410222").values_list("code", flat=True))
    assert tongxu_townships and tongxu_townships <= codes
    assert "410184" not in codes  # 新郑市 (Zhengzhou)
    assert not subtree.filter(code__startswith="4101").exists()


@pytest.mark.django_db
def test_removed_region_is_disabled_not_deleted(tmp_path: Path) -> None:
    rows: list[list[str | None]] = [
        ["410000", "河南省", "province", None],
        ["410200", "开封市", "city", "410000"],
        ["410222", "通许县", "county", "410200"],
        ["410222001", "咸平街道", "township", "410222"],
        ["410222002", "许城街道", "township", "410222"],
    ]
    assert "新增 5，更新 0，停用 0" in load(write_regions(tmp_path, rows))

    out = load(write_regions(tmp_path, rows[:-1], "without-xucheng.json"))
    assert "新增 0，更新 0，停用 1" in out
    xucheng = Region.objects.get(code="410222002")  # still there
    assert not xucheng.is_active
    assert Region.objects.active().count() == 4

    # Back in the file: re-activated, counted as an update.
    assert "新增 0，更新 1，停用 0" in load(write_regions(tmp_path, rows, "again.json"))
    assert Region.objects.get(code="410222002").is_active


@pytest.mark.django_db
def test_changes_are_updated_and_paths_follow_a_move(tmp_path: Path) -> None:
    rows: list[list[str | None]] = [
        ["410000", "河南省", "province", None],
        ["410100", "郑州市", "city", "410000"],
        ["410200", "开封市", "city", "410000"],
        ["410222", "通许县", "county", "410200"],
        ["410222001", "咸平街道", "township", "410222"],
    ]
    load(write_regions(tmp_path, rows))
    moved = [row[:] for row in rows]
    moved[3] = ["410222", "通许县（测试）", "county", "410100"]
    out = load(write_regions(tmp_path, moved, "moved.json"))
    assert "新增 0，更新 2，停用 0" in out  # the county and its township's path
    township = Region.objects.get(code="410222001")
    assert township.path == "410000/410100/410222/410222001/"
    assert Region.objects.get(code="410222").name == "通许县（测试）"


@pytest.mark.django_db
def test_other_roots_are_left_alone(tmp_path: Path) -> None:
    other = Region.objects.create(code="420000", name="湖北省", level=RegionLevel.PROVINCE, path="420000/")
    load(write_regions(tmp_path, [["410000", "河南省", "province", None]]))
    other.refresh_from_db()
    assert other.is_active


@pytest.mark.django_db
def test_bad_file_is_rejected_and_nothing_is_written(tmp_path: Path) -> None:
    rows: list[list[str | None]] = [
        ["410000", "河南省", "province", None],
        ["410222", "通许县", "county", "410299"],  # unknown parent
    ]
    with pytest.raises(CommandError, match="410299"):
        load(write_regions(tmp_path, rows))
    assert not Region.objects.exists()

    with pytest.raises(CommandError, match="层级"):
        load(write_regions(tmp_path, [["410000", "河南省", "state", None]], "bad-level.json"))
