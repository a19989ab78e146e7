#!/usr/bin/env python3
"""Vendor the pinned front-end assets from node_modules/ into sibao/static/vendor/.

Sibao never loads anything from a CDN: every CSS, JS and font file the pages use is committed
under ``sibao/static/vendor/``. The versions are pinned exactly in ``package.json`` /
``package-lock.json``; this script copies the few files we need out of ``node_modules/``.

Usage (from the repository root, after ``npm ci``)::

    python3 scripts/vendor_assets.py           # (re)write sibao/static/vendor/
    python3 scripts/vendor_assets.py --check   # compare only; exit 1 listing every difference

The vendor folder is owned by this script: a run removes any file in it that is not in the
list below, so the committed folder is always an exact mirror of ``FILES``.

One transformation is applied: the trailing ``sourceMappingURL`` comment is removed from the
minified CSS/JS. The ``.map`` files are not vendored, and Django's ManifestStaticFilesStorage
(used through WhiteNoise in production) rewrites those comments and makes ``collectstatic``
fail when the referenced map is missing.

Exit codes: 0 ok / up to date, 1 differences found (``--check``), 2 cannot run (node_modules
missing or not matching the pins in package.json).

Standard library only (Python 3.11).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR_DIR = ROOT / "sibao" / "static" / "vendor"
PACKAGE_JSON = ROOT / "package.json"

# npm package -> list of (source path inside the package, destination path inside VENDOR_DIR)
FILES: dict[str, list[tuple[str, str]]] = {
    "bootstrap": [
        ("dist/css/bootstrap.min.css", "bootstrap/css/bootstrap.min.css"),
        ("dist/js/bootstrap.bundle.min.js", "bootstrap/js/bootstrap.bundle.min.js"),
        ("LICENSE", "bootstrap/LICENSE"),
    ],
    "bootstrap-icons": [
        # The CSS refers to its fonts as url("fonts/bootstrap-icons.woff2?...") -- keep them side by side.
        ("font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"),
        (
            "font/fonts/bootstrap-icons.woff2",
            "bootstrap-icons/fonts/bootstrap-icons.woff2",
        ),
        (
            "font/fonts/bootstrap-icons.woff",
            "bootstrap-icons/fonts/bootstrap-icons.woff",
        ),
        ("LICENSE", "bootstrap-icons/LICENSE"),
    ],
    "echarts": [
        ("dist/echarts.min.js", "echarts/echarts.min.js"),
        ("LICENSE", "echarts/LICENSE"),
        # Apache-2.0 section 4(d): redistributions must carry the NOTICE file.
        ("NOTICE", "echarts/NOTICE"),
    ],
    "htmx.org": [
        ("dist/htmx.min.js", "htmx/htmx.min.js"),
        ("LICENSE", "htmx/LICENSE"),
    ],
}

VERSIONS_FILE = "VERSIONS.txt"

_SOURCEMAP_CSS = re.compile(rb"\n?/\*# sourceMappingURL=[^\n]*?\*/[ \t\r\n]*\Z")
_SOURCEMAP_JS = re.compile(rb"\n?//# sourceMappingURL=[^\n]*[ \t\r\n]*\Z")


class VendorError(Exception):
    """The inputs (node_modules / package.json) are not usable."""


def strip_sourcemap(dest: str, data: bytes) -> bytes:
    """Drop a trailing sourceMappingURL comment from minified CSS/JS (the .map is not vendored)."""
    if dest.endswith(".css"):
        new = _SOURCEMAP_CSS.sub(b"", data)
    elif dest.endswith(".js"):
        new = _SOURCEMAP_JS.sub(b"", data)
    else:
        return data
    if new != data and not new.endswith(b"\n"):
        new += b"\n"
    return new


def pinned_versions() -> dict[str, str]:
    """Exact versions pinned in package.json (``dependencies``)."""
    try:
        deps = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))["dependencies"]
    except (OSError, ValueError, KeyError) as exc:
        raise VendorError(f"cannot read dependencies from {PACKAGE_JSON}: {exc}") from exc
    return {name: deps.get(name, "") for name in FILES}


def installed_version(package: str) -> str:
    manifest = NODE_MODULES / package / "package.json"
    try:
        return json.loads(manifest.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError) as exc:
        raise VendorError(f"{manifest} is missing or unreadable ({exc}); run `npm ci` first") from exc


def expected_files() -> dict[str, bytes]:
    """Map of path relative to VENDOR_DIR (posix) -> exact bytes that must be there."""
    pins = pinned_versions()
    out: dict[str, bytes] = {}
    versions: list[str] = []
    for package, entries in FILES.items():
        version = installed_version(package)
        if pins[package] != version:
            raise VendorError(
                f"node_modules/{package} is {version} but package.json pins {pins[package]!r};"
                " run `npm ci` (or fix the pin)"
            )
        versions.append(f"{package}@{version}")
        for src, dest in entries:
            path = NODE_MODULES / package / src
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise VendorError(f"{path} is missing ({exc})") from exc
            out[dest] = strip_sourcemap(dest, data)
    header = (
        "# Front-end assets vendored by scripts/vendor_assets.py from node_modules/"
        " (pinned in package.json / package-lock.json).\n"
        "# Do not edit by hand: change package.json, run `npm install`, then `npm run vendor`.\n"
    )
    out[VERSIONS_FILE] = (header + "\n".join(versions) + "\n").encode("utf-8")
    return out


def present_files() -> dict[str, Path]:
    if not VENDOR_DIR.is_dir():
        return {}
    return {p.relative_to(VENDOR_DIR).as_posix(): p for p in sorted(VENDOR_DIR.rglob("*")) if p.is_file()}


def check(expected: dict[str, bytes]) -> int:
    present = present_files()
    problems: list[str] = []
    for rel, data in sorted(expected.items()):
        if rel not in present:
            problems.append(f"missing:    {rel}")
        elif present[rel].read_bytes() != data:
            problems.append(f"differs:    {rel}")
    for rel in sorted(set(present) - set(expected)):
        problems.append(f"unexpected: {rel}")
    if problems:
        print(f"{VENDOR_DIR.relative_to(ROOT)} is out of date ({len(problems)} difference(s)):")
        for line in problems:
            print(f"  {line}")
        print("Run `npm ci && python3 scripts/vendor_assets.py` and commit the result.")
        return 1
    print(f"{VENDOR_DIR.relative_to(ROOT)} is up to date ({len(expected)} files).")
    return 0


def write(expected: dict[str, bytes]) -> int:
    present = present_files()
    for rel in sorted(set(present) - set(expected)):
        present[rel].unlink()
        print(f"removed  {rel}")
    for rel, data in sorted(expected.items()):
        dest = VENDOR_DIR / rel
        if rel in present and present[rel].read_bytes() == data:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        print(f"wrote    {rel}")
    # Drop directories left empty by removals.
    for directory in sorted((d for d in VENDOR_DIR.rglob("*") if d.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()
    total = sum(len(d) for d in expected.values())
    print(f"{VENDOR_DIR.relative_to(ROOT)}: {len(expected)} files, {total:,} bytes.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="compare sibao/static/vendor/ with node_modules/ instead of copying; exit 1 on any difference",
    )
    args = parser.parse_args(argv)
    try:
        expected = expected_files()
    except VendorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return check(expected) if args.check else write(expected)


if __name__ == "__main__":
    sys.exit(main())
