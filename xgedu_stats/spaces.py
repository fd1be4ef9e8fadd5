"""What counts as a space: Python's ``str.isspace``, said in RE2 and in UTF-8 bytes.

A blank cell, a blank row and a title's edges are judged the same way whether a file is
read by Python's csv, by Arrow's CSV reader or in numpy over the bytes; the tests check
each form against ``str.isspace`` over every code point.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: A character ``str.isspace`` accepts. RE2's ``\s`` is ASCII only; the rest is listed
#: (a test checks it against every code point).
SPACE = r"[\s\x{0B}\x{1C}-\x{1F}\x{85}\p{Z}]"
#: A cell that Python's ``str.strip`` empties.
SPACE_ONLY = rf"^{SPACE}*$"


#: The ASCII bytes ``str.isspace`` accepts; ``starts_with_space`` adds the others.
ASCII_SPACE = np.zeros(256, dtype=bool)
ASCII_SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True


def starts_with_space(b0: np.ndarray, b1: np.ndarray, b2: np.ndarray) -> np.ndarray:
    """Whether UTF-8 bytes b0 b1 b2 begin with a space character (``str.isspace``): an
    ASCII one, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F or
    U+3000 (a test checks every code point)."""
    two = (b0 == 0xC2) & ((b1 == 0x85) | (b1 == 0xA0))
    three = (b0 == 0xE1) & (b1 == 0x9A) & (b2 == 0x80)
    three |= (
        (b0 == 0xE2)
        & (b1 == 0x80)
        & (((b2 >= 0x80) & (b2 <= 0x8A)) | np.isin(b2, (0xA8, 0xA9, 0xAF)))
    )
    three |= (b0 == 0xE2) & (b1 == 0x81) & (b2 == 0x9F)
    three |= (b0 == 0xE3) & (b1 == 0x80) & (b2 == 0x80)
    return ASCII_SPACE[b0] | two | three


def is_blank(cells: Sequence[str]) -> bool:
    """Whether a record holds nothing but spaces."""
    return not any(c.strip() for c in cells)
