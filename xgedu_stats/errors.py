"""Errors the library raises; the CLI turns each into one ``Error: …`` line and exit 1."""

from __future__ import annotations


class XgeduError(Exception):
    """Base class of every error a user can cause and fix (bad input, bad config)."""


class InputError(XgeduError):
    """An input file or folder cannot be found, read or understood."""


class ConfigError(XgeduError):
    """The configuration file is missing, malformed or inconsistent."""
