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


CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def ci_block(marker: str) -> str:
    """The block as .ci/run reads it from the README (its own ``readme_block`` function)."""
    import subprocess

    function = re.search(r"^readme_block\(\) \{\n.*?^\}\n", CI, re.S | re.M)
    assert function, ".ci/run has no readme_block function"
    script = f"set -euo pipefail\n{function.group(0)}readme_block {marker}\n"
    done = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_two_setup_commands_and_ci_runs_them() -> None:
    commands = block("ci-commands").splitlines()
    assert len(commands) == 2
    install_and_run, install_and_test = commands
    assert install_and_run.startswith("pip install . && xgedu-stats aggregate samples/")
    assert install_and_test.endswith("&& pytest")
    assert ci_block("ci-commands") == block("ci-commands")
    assert "mapfile -t commands < <(readme_block ci-commands)" in CI and "python3 -m venv" in CI


def test_offline_installation_is_in_the_readme_and_ci_runs_it() -> None:
    import subprocess

    offline = block("offline-commands")
    commands = offline.splitlines()
    assert commands[0] == "python3 -m pip wheel --wheel-dir wheelhouse ./xgedu-stats"
    assert "pip install --no-index --find-links wheelhouse xgedu-stats" in commands
    assert subprocess.run(["bash", "-n", "-c", offline], check=False).returncode == 0
    # .ci/run reads the same block and runs it as it is, then compares the figures
    assert ci_block("offline-commands") == offline
    assert 'offline="$(readme_block offline-commands)"' in CI
    assert 'bash -euo pipefail -c "$offline"' in CI
    assert '"$work/.venv/bin/xgedu-stats" aggregate samples/2018 --year 2018 -q' in CI
    assert CI.index("for command in") < CI.index('-c "$offline"')


def test_sample_output_is_for_the_first_command() -> None:
    command = block("ci-commands").splitlines()[0].split("&& ", 1)[1]
    assert block("sample-output").splitlines()[0] == f"$ {command}"


@pytest.mark.parametrize("marker", ["sample-output", "inspect-output", "registers-output"])
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


def test_every_limit_is_in_the_readme() -> None:
    """A limit the tool enforces is one a clerk may hit: the README's 上限 table names each."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "xgedu_stats").rglob("*.py"))
    limits = set(re.findall(r"^(MAX_[A-Z_]+|[A-Z_]+_LIMIT) = ", source, re.M))
    internal = {"CORE_XML_LIMIT"}  # (how much of a part is read to find the marker: no limit)
    assert len(limits) > 20
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sorted(n for n in limits - internal if f"`{n}`" not in readme) == []
