"""Everything a clerk can meet on the command line is Chinese: every ``--help``, every kind of
usage error (click's own texts included), and what each command says it can write."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from xgedu_stats.cli import cli
from xgedu_stats.click_zh import CATALOG, PLURALS, chinese_click, join_lines, wrap

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
COMMANDS = ("aggregate", "duplicates", "inspect", "init")

#: click's English words a clerk must never see, alone or in a sentence.
CLICK_WORDS = re.compile(
    r"\b(Usage|Options|Commands|Arguments|Error|Try|Show|Missing|Invalid|Aborted|Got|"
    r"such|unexpected|required|default|argument|option|value|range|exit|help|message|"
    r"choose|does|is|not|one|of|the|for)\b"
)


def english(text: str) -> list[str]:
    """English left in ``text`` once option names, quoted values, paths and names are removed:
    runs of two or more ASCII words, or one of click's words."""
    text = re.sub(r"(?<![\w])--?[A-Za-z][\w-]*", " ", text)  # option names
    text = re.sub(r"'[^']*'", " ", text)  # values echoed back
    text = re.sub(r"\S*[/\\]\S*", " ", text)  # paths
    text = re.sub(r"xgedu-stats(\.toml)?|window_days|TOML", " ", text)
    runs = re.findall(r"[A-Za-z]{2,}(?:[ \t]+[A-Za-z]{2,})+", text)
    return runs + CLICK_WORDS.findall(text)


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_the_detector_finds_click_english() -> None:
    """(A detector that finds nothing proves nothing.)"""
    assert english("Usage: xgedu-stats aggregate [OPTIONS] PATHS...")
    assert english("Error: No such option: '--bogus'")
    assert english("  -h, --help  Show this message and exit.")
    assert english("Try 'xgedu-stats --help' for help.")
    assert not english("错误：没有选项 '--bogus'。 是不是 '--verbose'？")
    assert not english("用法: xgedu-stats aggregate [选项] 路径...\n  -f, --format 格式  text、csv")


@pytest.mark.parametrize("args", [["--help"], ["-h"], *([c, "--help"] for c in COMMANDS)])
def test_every_help_is_chinese(args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 0
    assert result.stdout.startswith("用法: xgedu-stats ")
    assert "[选项]" in result.stdout and "选项:" in result.stdout
    assert english(result.stdout) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_help_columns_line_up_by_display_width(command: str) -> None:
    """A Chinese metavar takes two columns a character: the descriptions still start together."""
    from xgedu_stats.click_zh import display_width

    text = invoke(command, "--help").stdout
    columns = set()
    for line in text.split("选项:\n", 1)[1].splitlines():
        found = re.match(r"(  -\S.*?\S)( {2,})\S", line)
        if found:
            columns.add(display_width(found.group(1) + found.group(2)))
    assert len(columns) == 1, columns
    assert all(display_width(ln) <= 80 for ln in text.splitlines())


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ([], 2),  # no command: the group's help
        (["bogus"], 2),
        (["aggregate"], 2),  # missing argument
        (["inspect"], 2),
        (["duplicates"], 2),
        (["aggregate", MINI, "--bogus"], 2),  # unknown option
        (["aggregate", MINI, "--verbos"], 2),  # with a suggestion
        (["aggregate", MINI, "-f", "xml"], 2),  # bad choice
        (["aggregate", MINI, "-t", "x"], 2),
        (["aggregate", MINI, "--from", "2018/01/01"], 2),  # bad date
        (["aggregate", MINI, "--year", "abc"], 2),  # not a number
        (["aggregate", MINI, "--year", "18"], 2),  # out of range
        (["inspect", MINI, "-n", "5000"], 2),
        (["init", "a", "b"], 2),  # extra argument
        (["aggregate", MINI, "-o"], 2),  # an option without its value
        (["aggregate", MINI, "--fuzzy=1"], 2),  # a flag with a value
        (["aggregate", MINI, "-o", MINI], 2),  # a folder as the output file
        (["aggregate", MINI, "-c", MINI], 2),
        (["init", MINI / "门户网站.csv"], 2),  # a file as the folder
        (["aggregate", MINI, "--year", "2018", "--from", "2018-01-01"], 2),
        (["aggregate", MINI, "--from", "2018-02-01", "--to", "2018-01-01"], 2),
        (["aggregate", MINI, "-f", "xlsx"], 2),
        (["aggregate", MINI, "-o", "统计.docx"], 2),
        (["aggregate", MINI, "-o", "统计"], 2),
        (["aggregate", MINI, "-o", "统计.txt", "-f", "json"], 2),
        (["aggregate", MINI, "--rejects", "r.txt"], 2),
        (["aggregate", MINI, "-o", "x.csv", "--duplicates", "x.csv"], 2),
        (["duplicates", MINI, "-o", "d.json"], 2),
        (["duplicates", MINI, "--write-decisions", "d.xlsx"], 2),
        (["inspect", MINI, "-o", "x.csv"], 2),
        (["aggregate", MINI / "nope"], 1),
    ],
)
def test_every_kind_of_usage_error_is_chinese(args: list[str | Path], code: int) -> None:
    result = invoke(*args)
    assert result.exit_code == code
    assert result.stdout == "" or (code == 2 and not args)  # (the group shows its help)
    out = result.stderr + result.stdout
    assert "错误：" in out or not args
    assert english(out) == [], out


def test_usage_error_shows_the_usage_line_and_hint() -> None:
    result = invoke("aggregate", MINI, "--qqq")
    assert result.stderr == (
        "用法: xgedu-stats aggregate [选项] 路径...\n"
        "运行 'xgedu-stats aggregate --help' 查看帮助。\n\n"
        "错误：没有选项 '--qqq'。\n"
    )
    near = invoke("aggregate", MINI, "--verbos")
    assert near.stderr.endswith("\n错误：没有选项 '--verbos'。 你要找的可能是 '--verbose'。\n")
    missing = invoke("aggregate")
    assert missing.stderr.endswith("\n错误：缺少参数 '路径...'\n")
    extra = invoke("init", "a", "b")
    assert extra.stderr.endswith("\n错误：多出了参数（b）\n")
    bad = invoke("aggregate", MINI, "--from", "2018/01/01")
    assert bad.stderr.endswith(
        "\n错误：'--from' 的值无效：'2018/01/01' 不是日期；请写成 2018-01-01 这样\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["aggregate", MINI, "-o", "统计.docx"],
            "-o 统计.docx：不能写 docx 格式（Word 文件由 xgedu-stats report 写出：整篇年度报告）。aggregate 能写的格式为 text（.txt）、markdown（.md）、"
            "csv（.csv）、json（.json）、xlsx（.xlsx）、html（.html、.htm）；也可以用 --format 指定格式",
        ),
        (
            ["aggregate", MINI, "-o", "统计.xls"],
            "-o 统计.xls：不能写 .xls 文件。aggregate 能写的格式为 text（.txt）、markdown（.md）、"
            "csv（.csv）、json（.json）、xlsx（.xlsx）、html（.html、.htm）；也可以用 --format 指定格式",
        ),
        (
            ["duplicates", MINI, "-o", "d.json"],
            "-o d.json：不能写 json 格式。duplicates 能写的格式为 text（.txt）、csv（.csv）、"
            "xlsx（.xlsx）；也可以用 --format 指定格式",
        ),
        (
            ["inspect", MINI, "-o", "x.csv"],
            "-o x.csv：不能写 csv 格式。inspect 能写的格式为 text（.txt）、json（.json）；"
            "也可以用 --format 指定格式",
        ),
        (
            ["aggregate", MINI, "--duplicates", "d.md"],
            "--duplicates d.md：不能写 markdown 格式。--duplicates 能写的格式为 csv（.csv）、xlsx（.xlsx）",
        ),
        (
            ["duplicates", MINI, "--write-decisions", "d.xlsx"],
            "--write-decisions d.xlsx：不能写 xlsx 格式。--write-decisions 能写的格式为 csv（.csv）",
        ),
        (
            ["inspect", MINI, "-o", "x.txt", "-f", "json"],
            "-o x.txt：扩展名 .txt 是 text 格式的，与 --format json 不符；请把扩展名改为 .json，或不写 --format",
        ),
    ],
)
def test_each_command_names_what_it_can_write(
    args: list[str | Path], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stderr.endswith(f"\n错误：{message}\n")
    assert list(tmp_path.iterdir()) == []  # nothing written, nothing read


def test_messages_are_chinese_only_while_the_cli_runs() -> None:
    """No side effect at import, and gettext is given back afterwards."""
    import gettext

    before = gettext.gettext("Usage:")
    invoke("--help")
    assert gettext.gettext("Usage:") == before == "Usage:"
    with chinese_click():
        assert gettext.gettext("Usage:") == "用法:"
        assert gettext.ngettext(
            "{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 2
        ) == ("{value!r} 不是可选的值；可选：{choices}。")
        assert gettext.gettext("not click's") == "not click's"


#: Texts of click that only a programmer meets (a broken declaration), left in English.
DEVELOPER_TEXTS = {
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument"
    " instead? Did you mean to pass '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Choice({choices})",
}


def click_texts() -> tuple[set[str], set[tuple[str, str]]]:
    """Every text the installed click marks for translation: ``_("…")`` and ``ngettext("…", "…")``."""
    singles: set[str] = set()
    plurals: set[tuple[str, str]] = set()
    for source in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            texts = [
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            if node.func.id == "_" and texts:
                singles.add(texts[0])
            elif node.func.id == "ngettext" and len(texts) >= 2:
                plurals.add((texts[0], texts[1]))
    return singles, plurals


def test_every_text_click_marks_is_translated() -> None:
    """A click upgrade that adds a text fails here, not in front of a clerk."""
    singles, plurals = click_texts()
    assert len(singles) > 50 and len(plurals) >= 5  # (the scan found click's texts)
    assert sorted(singles - set(CATALOG) - DEVELOPER_TEXTS) == []
    assert sorted(plurals - set(PLURALS)) == []


def test_translations_keep_their_placeholders() -> None:
    """A translation may drop an English filler (``{name}`` = "file") but never invent one."""
    field = re.compile(r"\{(\w+)(?:![rs])?\}|%\((\w+)\)s")
    for english_text, chinese in [*CATALOG.items(), *((k[0], v[0]) for k, v in PLURALS.items())]:
        mine = {a or b for a, b in field.findall(chinese)}
        theirs = {a or b for a, b in field.findall(english_text)}
        assert mine <= theirs, english_text


def test_wrap_breaks_between_chinese_characters() -> None:
    assert wrap("一二三四五六", 6) == ["一二三", "四五六"]
    assert wrap("一二三。四", 6) == ["一二", "三。四"]  # closing punctuation never starts a line
    assert wrap("ab cd ef", 5) == ["ab cd", "ef"]
    assert join_lines(["去重后按类别和平台统计信息", "条数"]) == "去重后按类别和平台统计信息条数"


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["aggregate", MINI, "-o", "a.html", "-o", "a.xlsx"], "-o/--output"),
        (["aggregate", MINI, "--output=a.html", "-oa.xlsx"], "-o/--output"),
        (["aggregate", MINI, "--year", "2018", "--year=2017"], "--year"),
        (["bulletin", MINI, "--period", "2018-03a", "--period", "2018-03b"], "--period"),
    ],
)
def test_an_option_of_one_value_given_twice_is_refused(
    args: list[str], option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """click keeps the last value and drops the first without a word."""
    monkeypatch.chdir(tmp_path)  # (were the check gone, a.xlsx would be written here)
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"错误：选项 {option} 只能写一次（写了 2 次）：后写的会替换先写的\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["aggregate", MINI, "-qv", "-f", "json"],  # (flags in one token)
        ["aggregate", MINI, "-t", "categories", "-t", "platforms", "-f", "json"],  # (multiple)
        ["aggregate", MINI, "-f", "json", "--", "-o"],  # (after --: a path)
        ["aggregate", MINI, "-o", "-o.json"],  # (a value that looks like an option)
        ["aggregate", MINI, "--output", "-o.json"],
    ],
)
def test_options_given_once_are_not_taken_for_repeats(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "只能写一次" not in result.stderr
