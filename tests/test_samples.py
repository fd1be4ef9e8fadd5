"""The samples give the 2018 report's other figures (section 二.4, issue 12): 259 letters of
咨询, 建议 and 投诉, all answered on time (回复率 100%); page views since the relaunch past
500,000; 740 余篇 of the four named document types; 100 余幅 pictures. And the samples are
what their generator writes."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, SAMPLES
from openpyxl import load_workbook

from xgedu_stats.config import Period, RunConfig
from xgedu_stats.pipeline import Result, run


@pytest.fixture(scope="module")
def samples() -> Result:
    return run(RunConfig((SAMPLES,), period=Period.year(2018)))


def test_letters_all_answered_on_time(samples: Result) -> None:
    messages = samples.messages
    assert messages is not None
    counts = messages.counts.set_index("type")
    assert list(counts.index) == ["咨询", "建议", "投诉"]
    assert counts["received"].sum() == 259
    assert (counts["on_time"] == counts["received"]).all()
    assert counts[["late", "overdue", "pending"]].to_numpy().sum() == 0
    t = messages.totals
    assert t.rows_read == t.rejected + t.out_of_period + t.duplicates + t.messages
    assert t.duplicates > 0  # the two exports overlap
    assert t.out_of_period > 0  # letters of December 2017


def test_letters_across_the_holidays(samples: Result) -> None:
    """The letters around the Spring Festival and National Day, with their deadlines counted
    by hand on the official calendar (02-15…02-21 and 10-01…10-07 off; Sunday 02-11,
    Saturday 02-24, Saturday 09-29 and Sunday 09-30 worked): five working days after the
    day received."""
    assert samples.messages is not None
    letters = samples.messages.messages
    due = {
        date(2018, 2, 11): date(2018, 2, 23),  # 12, 13, 14, 22, 23
        date(2018, 2, 14): date(2018, 2, 27),  # 22, 23, 24, 26, 27
        date(2018, 2, 18): date(2018, 2, 27),  # (received on a holiday) the same five
        date(2018, 9, 29): date(2018, 10, 11),  # 09-30, 10-08, 09, 10, 11
        date(2018, 9, 30): date(2018, 10, 12),  # 08, 09, 10, 11, 12
        date(2018, 10, 3): date(2018, 10, 12),
    }
    for received, last_day in due.items():
        found = letters[letters["received"] == np.datetime64(received, "D")]
        assert len(found) >= 1, received
        assert (found["due"] == np.datetime64(last_day, "D")).all(), received
        assert (found["status"] == "on_time").all(), received


def test_page_views_since_the_relaunch(samples: Result) -> None:
    traffic = samples.traffic
    assert traffic is not None
    assert traffic.since == date(2015, 9, 1)
    assert 500_000 < traffic.cumulative_page_views < 600_000


def test_document_types_and_pictures(samples: Result) -> None:
    counts = samples.doc_types.counts.set_index("doc_type")["count"]
    named = counts[["政务新闻", "规范性文件", "资料", "公告通知"]]
    assert (named > 0).all()
    assert 740 <= named.sum() <= 749
    assert counts.sum() == samples.totals.unique_items
    # Both ways of typing are at work: the portal's 文种 column and the titles of the others.
    assert samples.doc_types.from_column > 0 and samples.doc_types.from_title > 0
    assert 100 <= samples.media.pictures <= 109


def test_the_samples_are_what_the_generator_writes(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_samples.py"), str(tmp_path)], check=True
    )
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(p.name for p in SAMPLES.iterdir())
    for name in made:
        if name.endswith(".xlsx"):  # (a workbook's zip stamps its entries with the time)
            assert cells(tmp_path / name) == cells(SAMPLES / name), name
        else:
            assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), name


def cells(path: Path) -> list[list[tuple[object, ...]]]:
    book = load_workbook(path, read_only=True)
    return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]
