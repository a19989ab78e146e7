"""Issue 9 #5: the import-direction check (import-linter, run by `make lint` and so CI) passes on the project
as it is and fails as soon as the kernel imports an app."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )


def copy_of_the_project(tmp_path: Path) -> Path:
    shutil.copy(PROJECT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(
        PROJECT / "sibao", tmp_path / "sibao", ignore=shutil.ignore_patterns("*.pyc", "__pycache__", "static", "locale")
    )
    return tmp_path


def test_the_project_keeps_the_contract() -> None:
    result = lint_imports(PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_kernel_module_importing_an_app_breaks_it(tmp_path: Path) -> None:
    root = copy_of_the_project(tmp_path)
    scope = root / "sibao" / "core" / "scope.py"
    scope.write_text(scope.read_text() + "\nfrom sibao.enterprises.models import Enterprise  # noqa\n")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "sibao.core.scope -> sibao.enterprises.models" in result.stdout


def test_an_import_inside_a_function_breaks_it_too(tmp_path: Path) -> None:
    root = copy_of_the_project(tmp_path)
    views = root / "sibao" / "core" / "views.py"
    views.write_text(views.read_text() + "\n\ndef late():\n    from sibao.tickets import selectors  # noqa\n")
    result = lint_imports(root)
    assert result.returncode != 0 and "sibao.core.views -> sibao.tickets.selectors" in result.stdout
