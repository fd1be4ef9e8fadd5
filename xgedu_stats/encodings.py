"""Which encodings a file may be read in: text encodings only, named once for every reader.

``codecs.lookup`` also accepts codecs that are not text encodings at all (``rot13``,
``base64``, ``zlib_codec``, ``idna``, ``unicode_escape`` …): decoding a file with one of
those fails in odd ways or yields nonsense. The config, the CSV reader and an HTML file's
own ``<meta charset>`` are all checked against this one list. No third-party imports here,
so the config can use it before pandas is loaded.
"""

from __future__ import annotations

import codecs

#: The text encodings a config may name and a file may declare (``<meta charset>``), by
#: their ``codecs`` names; any other name of one of them (``UTF8``, ``cp936``, ``GB2312``)
#: is accepted too. The Unicode forms, the Chinese national and Windows code pages, and the
#: code pages of neighbouring and Western systems an export may come from.
TEXT_ENCODINGS = (
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
    "utf-32", "utf-32-le", "utf-32-be",
    "gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp950",
    "ascii", "iso8859-1", "cp1252",
    "shift_jis", "shift_jis_2004", "shift_jisx0213", "cp932", "euc_jp", "euc_jis_2004",
    "euc_jisx0213", "iso2022_jp", "iso2022_jp_1", "iso2022_jp_2", "iso2022_jp_2004",
    "iso2022_jp_3", "iso2022_jp_ext", "euc_kr", "cp949", "johab", "iso2022_kr",
    "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-5", "iso8859-6",
    "iso8859-7", "iso8859-8", "iso8859-9", "iso8859-10", "iso8859-11", "iso8859-13",
    "iso8859-14", "iso8859-15", "iso8859-16",
    "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "cp1258", "cp874", "koi8-r", "koi8-u", "mac-roman",
)  # fmt: skip

#: The ones a message names (the list goes on: ``TEXT_ENCODINGS``).
COMMON_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk", "gb2312", "big5", "utf-16")

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
    """The common allowed encodings, for a message: ``utf-8、utf-8-sig、… 等``."""
    return "、".join(COMMON_ENCODINGS) + " 等"


def small_text(raw: bytes) -> str | None:
    r"""A small file a clerk saves by hand (a template, a decisions file) as text: UTF-8,
    with or without its BOM, else GB18030 (what Excel and Notepad save as "ANSI" on a
    Chinese Windows); None when it is neither.

    >>> small_text("判定".encode("gbk")), small_text("\ufeff判定".encode()), small_text(b"\xff")
    ('判定', '判定', None)
    """
    for name in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(name)
        except UnicodeDecodeError:
            continue
    return None
