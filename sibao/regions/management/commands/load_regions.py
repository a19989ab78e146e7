"""``manage.py load_regions [--file PATH]``: load the administrative-division tree (OR-1).

The file (default ``sibao/regions/data/henan.json``, built by ``scripts/build_henan_regions.py``)
holds ``{"source", "vintage", "regions": [[code, name, level, parent_code], ...]}``.

Loading is idempotent and runs in one transaction:

* regions missing from the database are created;
* regions whose name, level, parent, path, source or vintage differ are updated (a region that
  was disabled and is back in the file is re-activated);
* regions below the file's root(s) that are no longer in the file are disabled
  (``is_active=False``), never deleted: users, organisations and enterprises point at them.

Regions outside the file's root subtree(s) (e.g. another province loaded from another file) are
left alone. Rows are processed generation by generation (root, then its children, ...) so every
parent has a primary key and a path before its children are written; each generation is one
``bulk_create`` plus one ``bulk_update``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sibao.regions.models import Region, RegionLevel

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "henan.json"
COMPARED_FIELDS = ("name", "level", "parent_id", "path", "source", "vintage", "is_active")
# Same value for every row of a file: rows differing only in these get one plain UPDATE.
FILE_WIDE_FIELDS = {"source", "vintage", "is_active"}
BATCH_SIZE = 500


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    disabled: int = 0


def read_file(path: Path) -> tuple[dict[str, Any], list[Row]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"无法读取行政区划文件 {path}: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("regions"), list):
        raise CommandError(f"{path}: 应为包含 regions 列表的 JSON 对象")

    valid_levels = set(RegionLevel.values)
    rows: list[Row] = []
    seen: set[str] = set()
    for index, item in enumerate(document["regions"]):
        if not (isinstance(item, list) and len(item) == 4):
            raise CommandError(f"{path}: regions[{index}] 应为 [code, name, level, parent_code]")
        code, name, level, parent = item
        if not (isinstance(code, str) and code.isdigit() and len(code) <= 12):
            raise CommandError(f"{path}: regions[{index}] 区划代码无效: {code!r}")
        if code in seen:
            raise CommandError(f"{path}: 区划代码重复: {code}")
        if not (isinstance(name, str) and name.strip() and len(name) <= 64):
            raise CommandError(f"{path}: {code} 名称无效: {name!r}")
        if level not in valid_levels:
            raise CommandError(f"{path}: {code} 层级无效: {level!r}")
        if parent is not None and not isinstance(parent, str):
            raise CommandError(f"{path}: {code} 上级代码无效: {parent!r}")
        seen.add(code)
        rows.append(Row(code, name.strip(), level, parent or None))
    for key in ("source", "vintage"):
        value = document.get(key, "")
        max_length: int = getattr(Region._meta.get_field(key), "max_length", 0)
        if not isinstance(value, str) or len(value) > max_length:
            raise CommandError(f"{path}: {key} 无效或过长: {value!r}")
    return document, rows


def generations(rows: list[Row]) -> list[list[Row]]:
    """Group rows by depth in the file's own tree; a parent not in the file makes a root."""
    by_code = {row.code: row for row in rows}
    depth: dict[str, int] = {}

    def depth_of(code: str) -> int:
        chain: list[str] = []
        current = code
        while current not in depth:
            if current in chain:
                raise CommandError(f"上级关系成环: {' -> '.join([*chain, current])}")
            parent = by_code[current].parent_code
            if parent is None or parent not in by_code:
                depth[current] = 0
                break
            chain.append(current)
            current = parent
        level = depth[current]
        for child in reversed(chain):
            level += 1
            depth[child] = level
        return depth[code]

    grouped: dict[int, list[Row]] = {}
    for row in rows:
        grouped.setdefault(depth_of(row.code), []).append(row)
    return [grouped[d] for d in sorted(grouped)]


def load_regions(path: Path) -> LoadResult:
    document, rows = read_file(path)
    source, vintage = document.get("source", ""), document.get("vintage", "")
    result = LoadResult()

    with transaction.atomic():
        existing: dict[str, Region] = {region.code: region for region in Region.objects.select_for_update()}

        for generation in generations(rows):
            to_create: list[Region] = []
            to_update: list[Region] = []
            update_fields: set[str] = set()
            to_touch: list[int] = []
            for row in generation:
                if row.parent_code is None:
                    parent = None
                else:
                    parent = existing.get(row.parent_code)
                    if parent is None:
                        raise CommandError(f"{row.code} {row.name}: 上级 {row.parent_code} 既不在文件中也不在数据库中")
                path_value = f"{parent.path if parent else ''}{row.code}/"
                wanted = {
                    "name": row.name,
                    "level": row.level,
                    "parent_id": parent.pk if parent else None,
                    "path": path_value,
                    "source": source,
                    "vintage": vintage,
                    "is_active": True,
                }
                region = existing.get(row.code)
                if region is None:
                    region = Region(
                        code=row.code, parent=parent, **{k: v for k, v in wanted.items() if k != "parent_id"}
                    )
                    to_create.append(region)
                    existing[row.code] = region
                    continue
                changed = {field for field in COMPARED_FIELDS if getattr(region, field) != wanted[field]}
                if not changed:
                    continue
                for field, value in wanted.items():
                    setattr(region, field, value)
                region.parent = parent
                if changed <= FILE_WIDE_FIELDS:
                    to_touch.append(region.pk)  # e.g. a new vintage: one plain UPDATE, not a CASE per row
                else:
                    to_update.append(region)
                    update_fields |= changed

            if to_create:
                Region.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
                if any(region.pk is None for region in to_create):
                    # Backends without RETURNING: fetch the new primary keys by code.
                    pks = dict(Region.objects.filter(code__in=[r.code for r in to_create]).values_list("code", "pk"))
                    for region in to_create:
                        region.pk = pks[region.code]
            if to_update:
                # bulk_update builds a CASE per field and row in Python: only send the fields that changed.
                fields = sorted("parent" if field == "parent_id" else field for field in update_fields)
                Region.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
            for start in range(0, len(to_touch), BATCH_SIZE):
                Region.objects.filter(pk__in=to_touch[start : start + BATCH_SIZE]).update(
                    source=source, vintage=vintage, is_active=True
                )
            result.updated += len(to_update) + len(to_touch)
            result.created += len(to_create)

        # Soft-disable what is below the file's roots (rows whose parent is not in the file) but no
        # longer in the file. Regions outside those subtrees belong to other files: untouched.
        file_codes = {row.code for row in rows}
        root_paths = tuple(existing[row.code].path for row in rows if row.parent_code not in file_codes)
        stale = [
            region.pk
            for code, region in existing.items()
            if code not in file_codes and region.is_active and region.path.startswith(root_paths)
        ]
        for start in range(0, len(stale), BATCH_SIZE):
            Region.objects.filter(pk__in=stale[start : start + BATCH_SIZE]).update(is_active=False)
        result.disabled = len(stale)
    return result


class Command(BaseCommand):
    help = "Load the administrative-division tree from JSON (idempotent: create, update, soft-disable)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=DEFAULT_FILE,
            help=f"region JSON file (default: {DEFAULT_FILE.relative_to(DEFAULT_FILE.parents[3])})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_regions(options["file"])
        self.stdout.write(
            self.style.SUCCESS(f"行政区划：新增 {result.created}，更新 {result.updated}，停用 {result.disabled}")
        )
