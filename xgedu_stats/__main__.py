"""``python -m xgedu_stats`` and the ``xgedu-stats`` command."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line; Ctrl-C while it is still loading (importing click, the first
    fraction of a second) says 已中断 like Ctrl-C later, not a Python traceback."""
    try:
        from xgedu_stats.cli import cli
    except KeyboardInterrupt:
        sys.stderr.write("已中断\n")
        sys.exit(130)
    cli()


if __name__ == "__main__":
    main()
