"""Which encodings a file may be read in: text encodings only, named once for every reader.

``codecs.lookup`` also accepts codecs that are not text encodings at all (``rot13``,
``base64``, ``zlib_codec``, ``idna``, ``unicode_escape`` …): decoding a file with one of
those fails in odd ways or yields nonsense. The config, the CSV reader and an HTML file's
own ``<meta charset>`` are all checked against this one list. No third-party imports here,
so the config can use it before pandas is loaded.
"""

from __future__ import annotations

import codecs

#: The encodings a config may name and a file may declare, as users write them. A name
#: is allowed when ``codecs.lookup`` gives it the same codec as one of these
#: (``UTF8``, ``cp936``, ``GB2312`` …): the Unicode forms, the Chinese national and
#: Windows code pages, and ASCII / Latin-1 / Windows-1252 for files from Western systems.
TEXT_ENCODINGS = (
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-32-le",
    "utf-32-be",
    "gb18030",
    "gbk",
    "gb2312",
    "big5",
    "big5hkscs",
    "cp950",
    "ascii",
    "latin-1",
    "cp1252",
)

_CODECS = frozenset(codecs.lookup(name).name for name in TEXT_ENCODINGS)


def text_encoding(name: str) -> str | None:
    """The codec's canonical name when ``name`` is an allowed text encoding, else None.

    >>> text_encoding("UTF8"), text_encoding("cp936"), text_encoding("rot13"), text_encoding("x")
    ('utf-8', 'gbk', None, None)
    """
    try:
        found = codecs.lookup(name).name
    except (LookupError, TypeError, ValueError):  # (ValueError: a NUL in the name)
        return None
    return found if found in _CODECS else None


def encoding_names() -> str:
    """The allowed encodings, for a message: ``utf-8、utf-8-sig、…``."""
    return "、".join(TEXT_ENCODINGS)
