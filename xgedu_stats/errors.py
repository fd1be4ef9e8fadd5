"""Errors the library raises; the CLI turns each into one ``错误：…`` line and exit 1
(:class:`OptionError`: a usage error, exit 2)."""

from __future__ import annotations


class XgeduError(Exception):
    """Base class of every error a user can cause and fix (bad input, bad config)."""


class InputError(XgeduError):
    """An input file or folder cannot be found, read or understood."""


class ConfigError(XgeduError):
    """The configuration file is missing, malformed or inconsistent."""


class OutputError(XgeduError):
    """An output file cannot be written (missing or read-only folder, no space, an input)."""


class OptionError(XgeduError):
    """Options that cannot work together (two outputs in one file, an extension a command
    cannot write); the CLI shows it as a usage error (exit 2)."""
