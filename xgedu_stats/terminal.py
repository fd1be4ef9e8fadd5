"""What happens at the clerk's terminal: the progress bar, Ctrl-C, SIGTERM and SIGHUP.

The progress bar hides the cursor while it draws: it is a context manager, closed on every
way out. SIGTERM and SIGHUP (the terminal closed, the ssh session lost) are turned into an
exception, like Ctrl-C, so that every ``finally`` runs (an output being written is removed,
never left half-written).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import click

from xgedu_stats.messages import printable

#: Show a progress bar when reading at least this much (and stderr is a terminal).
PROGRESS_MIN_BYTES = 20 * 1024 * 1024
PROGRESS_MIN_FILES = 20

#: Exit code when stopped by Ctrl-C (128 + SIGINT, as a shell reports it; SIGTERM 143 and
#: SIGHUP 129 likewise, as ``Terminated.code``).
EXIT_INTERRUPTED = 130


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is, so that every ``finally`` runs (no
    temp files left); ``code`` is the exit status a shell shows for it."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signum)
        self.code = 128 + signum


def _stop(signum: int, frame: object) -> None:
    """Ctrl-C, SIGTERM or SIGHUP: stop where the program is. The first one only: a second
    signal during the clean-up it starts would cut the clean-up short (a temporary file was
    left behind when SIGHUP and SIGTERM came together)."""
    for number in _STOPPING:
        if signal.getsignal(number) is _stop:
            signal.signal(number, signal.SIG_IGN)
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(signum)


_STOPPING = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])


@dataclass
class UI:
    """How much the clerk wants to hear (``-q``, ``-v``): set once on the click context by
    the options, read where a note is said, instead of being passed down as flags."""

    quiet: bool = False
    verbose: bool = False

    @staticmethod
    def current() -> UI:
        """The running command's (the defaults outside a command)."""
        ctx = click.get_current_context(silent=True)
        return ctx.ensure_object(UI) if ctx is not None else UI()

    def say(self, message: str) -> None:
        """A line on stderr, one line whatever the file names in it hold; none with -q."""
        if not self.quiet:
            click.echo(printable(message), err=True)

    def note(self, warning: str) -> None:
        self.say(f"注意：{warning}")

    def detail(self, message: str) -> None:
        """Said with -v only."""
        if self.verbose:
            self.say(message)


def set_ui(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """The callback of ``-q`` and ``-v``: records the flag on the context's ``UI``."""
    if value and param.name:
        setattr(ctx.ensure_object(UI), param.name, True)


@contextmanager
def signals() -> Iterator[None]:
    """Quiet under ``| head`` (default SIGPIPE); Ctrl-C, SIGTERM and SIGHUP clean up, the
    first of them only. Restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    # (a signal already ignored stays so: nohup ignores SIGHUP, a shell's background job SIGINT)
    wanted: dict[int, Any] = {
        n: _stop for n in _STOPPING if signal.getsignal(n) is not signal.SIG_IGN
    }
    if hasattr(signal, "SIGPIPE"):
        wanted[signal.SIGPIPE] = signal.SIG_DFL
    saved = {number: signal.signal(number, handler) for number, handler in wanted.items()}
    try:
        yield
    finally:
        for number, handler in saved.items():
            if handler is not None:
                signal.signal(number, handler)


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Callable[[int, int, int, int, str, int], None] | None]:
    """A progress callback drawing on stderr, for a terminal only and only for big reads.

    The bar is always closed on the way out (Ctrl-C included): it hides the cursor while it
    draws, and closing it shows the cursor again.
    """
    if quiet or sys.stderr is None or not sys.stderr.isatty():  # (None: stderr closed, 2>&-)
        yield None
        return
    state: dict[str, Any] = {"bar": None, "decided": False, "done": 0}

    def update(files_done: int, files: int, done: int, total: int, name: str, rows: int) -> None:
        if not state["decided"]:
            state["decided"] = True
            if total >= PROGRESS_MIN_BYTES or files >= PROGRESS_MIN_FILES:
                state["bar"] = click.progressbar(length=total, label="读取", file=sys.stderr)
                state["bar"].__enter__()
        bar = state["bar"]
        if bar is None:
            return
        bar.label = f"读取 {files_done}/{files} 个文件，{rows} 行"
        bar.update(done - state["done"])
        state["done"] = done
        if files_done == files:
            state["bar"] = None
            bar.__exit__(None, None, None)

    try:
        yield update
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)
