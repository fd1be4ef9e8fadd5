"""One JSON object: period, totals, and each table's data rows (no subtotal or total rows)."""

from __future__ import annotations

import json
from typing import IO, Any

from xgedu_stats.tables import Report


def document(report: Report) -> dict[str, Any]:
    """The report as the JSON object ``aggregate --format json`` writes."""
    p = report.period
    return {
        "period": {
            "from": p.start.isoformat() if p.start else None,
            "to": p.end.isoformat() if p.end else None,
        },
        "totals": report.json_totals(),
        "tables": {t.name: t.json() for t in report.tables},
        **({"notes": list(report.notes)} if report.notes else {}),
    }


def render(report: Report, stream: IO[str]) -> None:
    json.dump(document(report), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
