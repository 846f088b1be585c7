"""The house: stages that import only downward, no import cycle, modules a reader can take in,
faces that only re-export, and a wheel that carries every stage."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

import ceg_calc

PACKAGE = REPO / "ceg_calc"
MAX_LINES = 450
STAGES = ("core", "package", "gate", "calc", "ingest", "derive", "publish", "verbs")


def modules() -> dict[str, Path]:
    """Every module of the library by dotted name (a package by its ``__init__``)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(name: str, path: Path, known: dict) -> set[str]:
    """The library modules ``name`` imports anywhere in its file (inside functions too)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + [base]).strip(".")
            candidates = [f"{base}.{alias.name}" for alias in node.names] + [base]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in known:
                candidate = candidate.rpartition(".")[0]
            # the root package is the public face (its __version__), not a stage
            if candidate and candidate not in (name, "ceg_calc"):
                found.add(candidate)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def test_no_import_cycle_between_modules():
    edges = graph()
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    assert cycles == []


def test_the_cycle_check_sees_an_import_inside_a_function(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("def f():\n    from ceg_calc.publish import site\n", encoding="utf-8")
    known = {"ceg_calc.core.m": path, "ceg_calc.publish.site": path, "ceg_calc.publish": path}
    assert imports("ceg_calc.core.m", path, known) == {"ceg_calc.publish.site", "ceg_calc.publish"}


def stage_of(module: str) -> int:
    """Floor of a module: its stage's position (the CLI on top; ``gate``, ``calc`` and ``ingest``
    share a floor)."""
    part = module.split(".")[1] if "." in module else ""
    floors = {"core": 0, "package": 1, "gate": 2, "calc": 2, "ingest": 2, "derive": 3, "publish": 4,
              "verbs": 5, "cli": 6}
    return floors[part]


def test_stages_import_only_downward_and_siblings_stay_apart():
    for module, targets in graph().items():
        if module == "ceg_calc":
            continue
        for target in targets:
            here, there = module.split(".")[1], target.split(".")[1]
            assert stage_of(target) < stage_of(module) or here == there, f"{module} imports {target}"


def test_import_linter_contract_holds():
    """The same rule as import-linter's ``layers`` contract in pyproject.toml (run by ``make test``)."""
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if linter is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    result = subprocess.run([linter, "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]


def test_at_least_five_stages_and_no_module_over_the_limit():
    assert sum((PACKAGE / stage / "__init__.py").is_file() for stage in STAGES) >= 5
    long = {str(p.relative_to(REPO)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_faces_only_re_export():
    """A sub-package's ``__init__`` defines nothing: it maps public names to the modules holding
    them, and every name it offers exists there."""
    for stage in STAGES:
        face = __import__(f"ceg_calc.{stage}", fromlist=["_EXPORTS"])
        tree = ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8"))
        assert not [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))], stage
        for name in face.__all__:
            assert getattr(face, name) is not None
    for name in ceg_calc.__all__:
        assert getattr(ceg_calc, name) is not None


def test_version_is_a_literal_line():
    text = (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    assert re.search(r'(?m)^__version__ = "\d+\.\d+\.\d+"$', text)


def test_no_script_edits_sys_path():
    for path in sorted((REPO / "scripts").glob("*.py")) + sorted(PACKAGE.rglob("*.py")):
        assert "sys.path" not in path.read_text(encoding="utf-8"), path


def test_a_wheel_carries_every_stage(tmp_path):
    """``pip wheel`` of a copy of the project (setuptools writes build/ beside the sources, which in
    the checkout is the site's folder; no build isolation: setuptools is already installed)."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(PACKAGE, source / "ceg_calc", ignore=shutil.ignore_patterns("__pycache__"))
    (source / "build").mkdir()  # an output folder beside the sources is not a package
    (source / "build" / "stray.py").write_text("", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                             "--quiet", "-w", str(tmp_path / "wheel"), str(source)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = (tmp_path / "wheel").glob("ceg_dataset-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {f"ceg_calc/{stage}/__init__.py" for stage in STAGES}
    assert wanted <= names
    library = {p.relative_to(REPO).as_posix() for p in PACKAGE.rglob("*.py")}
    assert library <= names
    assert not any(n.startswith(("build/", "dist/", "tests/", "bench/")) for n in names)
