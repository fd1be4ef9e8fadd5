"""xgedu-stats: the statistical tables of a government information disclosure report.

Library use mirrors the command line::

    from pathlib import Path
    from xgedu_stats import Period, RunConfig, run
    result = run(RunConfig((Path("samples/2018"),), period=Period.year(2018)))
    result.categories  # category, group, count
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from xgedu_stats.config import Period, RunConfig, Settings, load_settings
from xgedu_stats.errors import ConfigError, InputError, XgeduError

try:
    __version__ = version("xgedu-stats")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
    "ConfigError",
    "InputError",
    "Period",
    "Result",
    "RunConfig",
    "Settings",
    "XgeduError",
    "__version__",
    "copies",
    "load_settings",
    "pairs",
    "run",
]


def __getattr__(name: str) -> object:
    # pandas costs ~0.4 s to import: load the pipeline only when it is used.
    if name in ("run", "Result", "copies", "pairs"):
        from xgedu_stats import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
