"""What a kind of input is: its canonical fields and the headers that mean them, the
words in a file or folder name that make a file one of its kind, whether its files belong
to platforms, and the tables its rows feed. Kinds are registered in ``read.kinds``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class FieldSpec:
    """A canonical field: its key, its Chinese label, and the headers that mean it.

    ``required``: a file without its column is an error (a cell may still be blank, when the
    kind says what a blank means); ``missing``: what that error adds (why the column is
    needed though its cells may be blank)."""

    key: str
    label: str
    synonyms: tuple[str, ...]
    required: bool = False
    missing: str = ""


@dataclass(frozen=True)
class Kind:
    """A kind of input file.

    ``words``: a file whose name, or whose folder's name, holds one of them is of this kind
    (the first kind registered, published articles, takes every other file). ``platforms``:
    whether its files belong to a platform (articles do; a mailbox export does not).
    ``tables``: the tables its rows feed, made from its rows (every row read, with
    ``file`` and ``line``) — called by the tables stage, so a kind's tables are its own.
    """

    name: str
    label: str
    fields: tuple[FieldSpec, ...]
    words: tuple[str, ...] = ()
    platforms: bool = True
    tables: Callable[[pd.DataFrame], tuple[Any, ...]] | None = field(default=None, compare=False)

    def field(self, key: str) -> FieldSpec:
        return next(f for f in self.fields if f.key == key)
