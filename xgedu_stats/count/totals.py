"""Where the rows of one kind of input went: the shape every kind's totals share."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class KindTotals:
    """``rows_read = rejected + out_of_period + duplicates + <what was counted>``, the last
    field being each kind's own (``unique_items``, ``messages``, ``counted``)."""

    rows_read: int
    rejected: int
    out_of_period: int
    duplicates: int

    @property
    def balanced(self) -> bool:
        counted = getattr(self, fields(self)[-1].name)
        return self.rows_read == self.rejected + self.out_of_period + self.duplicates + counted
