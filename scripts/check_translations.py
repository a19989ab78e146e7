"""Fail when a user-facing string has no Simplified Chinese translation (X-1).

Runs makemessages for zh_Hans (which adds any new msgid with an empty msgstr), checks that every
entry is translated and not fuzzy, then restores the catalogue as it was.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "sibao" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(
    r'((?:#.*\n)*)(?:msgctxt (?:".*"\n)+)?msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?'
    r'((?:msgstr(?:\[\d\])? (?:".*"\n)+)+)'
)
# "#, fuzzy" alone or among other flags ("#, fuzzy, python-format"), anywhere in the entry's comments.
FUZZY = re.compile(r"^#,.*\bfuzzy\b", re.MULTILINE)


def untranslated(text: str) -> list[str]:
    problems = []
    for match in ENTRY.finditer(text):
        comments, msgid, msgstrs = match.groups()
        fuzzy = FUZZY.search(comments)
        source = "".join(re.findall(r'"(.*)"', msgid))
        if not source:
            continue  # header
        targets = re.findall(r'msgstr(?:\[\d\])? ((?:".*"\n)+)', msgstrs)
        if fuzzy or any(not "".join(re.findall(r'"(.*)"', target)) for target in targets):
            problems.append(source)
    return problems


def main() -> int:
    backup = Path(tempfile.mkdtemp()) / "django.po"
    shutil.copy(PO, backup)
    try:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete",
             "--ignore=.venv", "--ignore=node_modules", "--ignore=var/*", "-v", "0"],
            cwd=ROOT,
            check=True,
        )  # fmt: skip
        problems = untranslated(PO.read_text(encoding="utf-8"))
    finally:
        shutil.copy(backup, PO)
    for source in problems:
        print(f"untranslated: {source}")
    print(f"{len(problems)} untranslated strings")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
