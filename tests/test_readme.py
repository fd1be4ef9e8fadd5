"""The README cannot drift: its commands, pasted output and examples are checked here."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner
from conftest import ROOT

from xgedu_stats.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def block(marker: str) -> str:
    """The fenced block between <!-- marker:start --> and <!-- marker:end -->."""
    found = re.search(
        rf"<!-- {marker}:start -->\n```[a-z]*\n(.*?)```\n<!-- {marker}:end -->", README, re.S
    )
    assert found, f"README has no {marker} block"
    return found.group(1)


def test_two_setup_commands_and_ci_runs_them() -> None:
    commands = block("ci-commands").splitlines()
    assert len(commands) == 2
    install_and_run, install_and_test = commands
    assert install_and_run.startswith("pip install . && xgedu-stats aggregate samples/")
    assert install_and_test.endswith("&& pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- ci-commands:start -->" in ci and "python3 -m venv" in ci


def test_sample_output_is_for_the_first_command() -> None:
    command = block("ci-commands").splitlines()[0].split("&& ", 1)[1]
    assert block("sample-output").splitlines()[0] == f"$ {command}"


@pytest.mark.parametrize("marker", ["sample-output", "inspect-output"])
def test_pasted_output_is_what_the_command_prints(
    marker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompt, *pasted = block(marker).splitlines(keepends=True)
    assert prompt.startswith("$ xgedu-stats ")
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, shlex.split(prompt[2:])[1:])
    assert result.exit_code == 0
    assert result.stdout + result.stderr == "".join(pasted)


def test_example_config_is_the_packaged_one() -> None:
    packaged = (ROOT / "xgedu_stats" / "example-config.toml").read_text(encoding="utf-8")
    assert block("example-config") == packaged


def test_figures_quoted_in_prose_are_true(monkeypatch: pytest.MonkeyPatch) -> None:
    from xgedu_stats import Period, RunConfig, run

    monkeypatch.chdir(ROOT)
    t = run(RunConfig((ROOT / "samples" / "2018",), period=Period.year(2018))).totals
    totals = (
        f'"rows_read": {t.rows_read}, "rejected": {t.rejected}, "out_of_period": {t.out_of_period}, '
        f'"duplicates": {t.duplicates}, "unique_items": {t.unique_items}'
    )
    assert totals in README
    assert repr(t) in README
