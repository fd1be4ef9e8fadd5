"""Ctrl-C and SIGTERM: 已中断 / 已终止 on stderr, exit 130 / 143, the terminal restored, no
partial output and no temporary file left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from xgedu_stats.cli import cli
from xgedu_stats.terminal import Terminated

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [(KeyboardInterrupt, 130, "已中断\n"), (Terminated, 143, "已终止\n")],
)
def test_interrupted_run(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    error: type[BaseException],
    code: int,
    message: str,
) -> None:
    from xgedu_stats import pipeline

    def stop(config: object, progress: object = None) -> None:
        raise error

    monkeypatch.setattr(pipeline, "run", stop)
    out = tmp_path / "out.txt"
    result = CliRunner().invoke(cli, ["aggregate", str(MINI), "-o", str(out)])
    assert (result.exit_code, result.stderr, result.stdout) == (code, message, "")
    assert list(tmp_path.iterdir()) == []


#: A run that stops while writing its output: the text renderer writes half, says so, waits.
WRITING = """
import signal, sys, time
from pathlib import Path

signal.signal(signal.SIGINT, signal.default_int_handler)  # (a background job starts with it ignored)
from xgedu_stats import render

ready = Path(sys.argv[1])

def slow(report, stream):
    stream.write("half")
    stream.flush()
    ready.touch()
    time.sleep(60)

render.FORMATS["text"] = render.Format(slow)
from xgedu_stats.cli import cli

cli(sys.argv[2:], prog_name="xgedu-stats")
"""

#: A run that stops while the progress bar shows (stderr is a terminal).
READING = """
import signal, sys, time
from pathlib import Path

signal.signal(signal.SIGINT, signal.default_int_handler)
from xgedu_stats import pipeline

ready = Path(sys.argv[1])

def run(config, progress=None):
    progress(1, 30, 1 << 20, 60 << 20, "a.csv", 10)
    ready.touch()
    time.sleep(60)

pipeline.run = run
from xgedu_stats.cli import cli

cli(sys.argv[2:], prog_name="xgedu-stats")
"""


def wait_for(path: Path, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never got there"
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("sig", "code", "message"),
    [
        (signal.SIGTERM, 143, "已终止\n"),
        (signal.SIGHUP, 129, "已终止\n"),
        (signal.SIGINT, 130, "已中断\n"),
    ],
)
def test_a_signal_while_writing_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, sig: int, code: int, message: str
) -> None:
    out = tmp_path / "out.txt"
    out.write_text("old")
    ready = tmp_path / "ready"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITING, str(ready), "aggregate", str(MINI), "-o", str(out)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wait_for(ready, proc)
    assert len(list(tmp_path.glob(".out.txt.*.tmp"))) == 1  # caught in the middle of writing
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert (proc.returncode, stderr.decode(), stdout) == (code, message, b"")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt", "ready"]
    assert out.read_text() == "old"


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals")
def test_ctrl_c_while_the_progress_bar_shows_restores_the_cursor(tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    leader, follower = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-c", READING, str(ready), "aggregate", str(MINI)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    wait_for(ready, proc)
    proc.send_signal(signal.SIGINT)
    stdout, _ = proc.communicate(timeout=60)
    terminal = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the other side is closed
            break
        if not chunk:
            break
        terminal += chunk
    os.close(leader)
    text = terminal.decode("utf-8", errors="replace")
    assert proc.returncode == 130 and stdout == b""
    assert "\x1b[?25l" in text  # the bar hid the cursor ...
    assert text.rindex("\x1b[?25h") > text.rindex("\x1b[?25l")  # ... and it is shown again
    assert text.rstrip().endswith("已中断")
    assert "Aborted" not in text


def test_ctrl_c_while_the_command_is_still_loading() -> None:
    """A new user's trial: Ctrl-C in the first fraction of a second (click and the command
    line being imported) printed a Python traceback."""
    code = (
        "import builtins, sys\n"
        "real = builtins.__import__\n"
        "def stopped(name, *args, **kwargs):\n"
        "    if name == 'xgedu_stats.cli':\n"
        "        raise KeyboardInterrupt\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = stopped\n"
        "from xgedu_stats.__main__ import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr, done.stdout) == (130, "已中断\n", "")


def test_a_second_signal_does_not_cut_the_clean_up_short() -> None:
    """Issue 9 attack: SIGHUP then SIGTERM left a temporary file: the second signal struck
    inside the clean-up the first had started. After the first, the others are ignored."""
    from xgedu_stats import terminal

    with terminal.signals():
        with pytest.raises(terminal.Terminated):
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(5)  # (the handler raises at once; the sleep is never finished)
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            assert signal.getsignal(number) is signal.SIG_IGN
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # (restored)


def test_signals_already_ignored_stay_ignored() -> None:
    """``nohup xgedu-stats …`` ignores SIGHUP: the tool must not undo that."""
    from xgedu_stats import terminal

    saved = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with terminal.signals():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) is terminal._stop
    finally:
        signal.signal(signal.SIGHUP, saved)
