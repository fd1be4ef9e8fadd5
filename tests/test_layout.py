"""The layout the README's development section describes, checked from the source (issue 10):
data flows one way through the stages, nothing imports the command line, and the stages
after reading open no files."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "xgedu_stats"

#: Each module's stage, in the order data flows; a module may import its own stage and
#: earlier ones only. Prefixes: ``read`` is every module of the read package.
STAGES: list[tuple[str, ...]] = [
    (
        "errors",
        "messages",
        "encodings",
        "spaces",
        "columns",
        "config",
        "markers",
        "figures",
        "periods",
    ),
    ("read",),
    ("items",),
    ("count",),
    ("pipeline", "notes", "counters", "inspection", "outputs", "rules", "schedule"),
    ("tables", "presentation", "official", "bulletin"),
    ("render",),
    ("document",),
    ("terminal", "click_zh", "cli"),
]
#: Stages that work on data already read.
NO_FILES = ("items", "count", "tables")
#: Modules that compose no sentence for a clerk: they return facts, and ``notes`` (or the
#: tables and the command line) put them into words.
NO_SENTENCES = ("items", "count", "pipeline")
#: Calls that touch files or folders.
FILE_CALLS = {"open", "read_bytes", "read_text", "write_bytes", "write_text", "scandir",
              "listdir", "iterdir", "glob", "rglob", "unlink", "mkdir", "read_small_file"}  # fmt: skip


def modules() -> dict[str, ast.Module]:
    """Every module but the package's own ``__init__`` and ``__main__`` (its public face)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        if name in ("__init__", "__main__"):
            continue
        found[name.removesuffix(".__init__")] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def stage(module: str) -> int:
    top = module.split(".")[0]
    for rank, names in enumerate(STAGES):
        if top in names:
            return rank
    raise AssertionError(f"{module} belongs to no stage: add it to STAGES and the README")


def imported(tree: ast.Module, module: str) -> set[str]:
    """The package's modules a module imports (at the top or inside a function)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "xgedu_stats":
                out |= {a.name for a in node.names if a.name != "__version__"}
            elif node.module.startswith("xgedu_stats."):
                out.add(node.module.removeprefix("xgedu_stats."))
        elif isinstance(node, ast.Import):
            out |= {
                a.name.removeprefix("xgedu_stats.")
                for a in node.names
                if a.name.startswith("xgedu_stats.")
            }
    return out


def test_every_module_has_a_stage() -> None:
    for module in modules():
        stage(module)


def test_no_stage_imports_a_later_one() -> None:
    later = [
        f"{module} -> {other}"
        for module, tree in modules().items()
        for other in imported(tree, module)
        if stage(other) > stage(module)
    ]
    assert later == []


def test_nothing_imports_the_command_line() -> None:
    assert [m for m, tree in modules().items() if "cli" in imported(tree, m)] == []


@pytest.mark.parametrize("package", NO_FILES)
def test_stages_after_reading_open_no_files(package: str) -> None:
    calls = []
    for module, tree in modules().items():
        if module.split(".")[0] != package:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                name = (
                    f.id
                    if isinstance(f, ast.Name)
                    else f.attr
                    if isinstance(f, ast.Attribute)
                    else ""
                )
                if name in FILE_CALLS:
                    calls.append(f"{module}:{node.lineno} {name}()")
    assert calls == []


def sentences(tree: ast.Module) -> list[int]:
    """Lines of f-strings with Chinese punctuation in them: a message being composed (a
    regex may hold Chinese words, not ，；：（)."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        and any(
            isinstance(v, ast.Constant) and re.search("[\u3000-\u303f\uff01-\uff1f]", v.value)
            for v in node.values
        )
    ]


def test_stages_return_facts_not_sentences() -> None:
    composed = [
        f"{module}:{line}"
        for module, tree in modules().items()
        if module.split(".")[0] in NO_SENTENCES
        for line in sentences(tree)
    ]
    assert composed == []


def test_the_checks_can_fail() -> None:
    """The checks see what they look for: a read stage module opens files and imports nothing
    later; the command line imports everything."""
    found = modules()
    assert "read.sources" in found and stage("read.sources") < stage("pipeline")
    assert {"pipeline", "render"} <= imported(found["cli"], "cli")
    opens = [n for n in ast.walk(found["read"]) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Name) and n.func.id == "open"]  # fmt: skip
    assert opens
    assert sentences(found["notes"]) and sentences(found["cli"])
