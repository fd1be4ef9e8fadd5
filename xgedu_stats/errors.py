"""Errors the library raises; the CLI turns each into one ``Error: …`` line and exit 1."""

from __future__ import annotations


class XgeduError(Exception):
    """Base class of every error a user can cause and fix (bad input, bad config)."""


class InputError(XgeduError):
    """An input file or folder cannot be found, read or understood."""


class ConfigError(XgeduError):
    """The configuration file is missing, malformed or inconsistent."""


#: How much of one piece of input (a header cell, a key, a sheet name) a message quotes.
QUOTED_CHARS = 30
#: How many header cells (or names) a message lists before saying how many more there are.
QUOTED_ITEMS = 20


def shorten(text: str, limit: int = QUOTED_CHARS) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis: a message quoting input stays
    one readable line however large the input.

    >>> shorten("标题" * 30, 5)
    '标题标题标…'
    """
    return text if len(text) <= limit else text[:limit] + "…"


def listing(items: list[str], limit: int = QUOTED_ITEMS) -> str:
    """Items joined with 、, each shortened, at most ``limit`` of them and a count of the rest.

    >>> listing(["标题", "", "日期", "栏目"], 2)
    '标题、（空）等 4 项'
    """
    shown = "、".join(shorten(i) if i else "（空）" for i in items[:limit])
    return shown if len(items) <= limit else f"{shown}等 {len(items)} 项"
