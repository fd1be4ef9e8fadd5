"""--fuzzy in bounded time and memory whatever the titles (issue 9): limits on the pairs
scored and on the similar pairs found, per day and in total, and a doubtful check that
does not compare members joined only by decisions."""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pytest
from conftest import csv_bytes, run_limited

from xgedu_stats.items import fuzzy
from xgedu_stats.items.fuzzy import candidate_arrays

TITLE = "孝感市教育局关于做好全市中小学校园安全工作的通知"
# Characters that are not Chinese numerals: two of them make a title no rule tells apart
# before scoring (no number, the same class), yet a different one (added and dropped).
CHARS = [c for c in map(chr, range(0x4E00, 0x9FA5)) if c not in "〇零一二两三四五六七八九十百千"]


def similar_titles(count: int, start: int = 0) -> list[str]:
    return [
        TITLE + CHARS[k // len(CHARS)] + CHARS[k % len(CHARS)] for k in range(start, start + count)
    ]


def test_over_the_total_the_most_crowded_days_are_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Many days each under the day limit made tens of millions of pairs in all."""
    monkeypatch.setattr(fuzzy, "TOTAL_PAIRS_LIMIT", 9)
    sizes = {100: 4, 200: 3, 300: 5, 400: 2}  # items a day: 6, 3, 10 and 1 pairs
    keys = similar_titles(sum(sizes.values()))
    days = np.repeat(list(sizes), list(sizes.values()))
    found = candidate_arrays(keys, days, 0, 70)
    assert (found.crowded_days, found.over_total_days) == ((), (100, 300))
    assert sorted(days[found.a].tolist()) == [200] * 3 + [400]


def test_too_many_similar_pairs_a_day_or_in_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each similar pair costs Python work (the rules, the groups): a day of 1,000 x 1,000
    similar titles was a million of them."""
    monkeypatch.setattr(fuzzy, "DAY_CANDIDATES_LIMIT", 5)
    monkeypatch.setattr(fuzzy, "TOTAL_CANDIDATES_LIMIT", 4)
    sizes = {100: 4, 200: 3, 300: 2, 400: 2}  # 6, 3, 1 and 1 pairs
    keys = similar_titles(sum(sizes.values()))
    days = np.repeat(list(sizes), list(sizes.values()))
    found = candidate_arrays(keys, days, 0, 70)
    assert (found.crowded_days, found.over_total_days) == ((100,), (200,))
    assert sorted(days[found.a].tolist()) == [300, 400]


def test_the_over_total_note_names_the_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_fuzzy import run_rows

    monkeypatch.setattr(fuzzy, "TOTAL_CANDIDATES_LIMIT", 1)  # a pair a day: one day left out
    titles = similar_titles(4)
    rows = [
        (titles[0], datetime.date(2018, 3, 5), 0, "portal"),
        (titles[1], datetime.date(2018, 3, 5), 1, "toutiao"),
        (titles[2], datetime.date(2018, 3, 20), 2, "portal"),
        (titles[2] + "顺利", datetime.date(2018, 3, 20), 2, "toutiao"),
    ]
    result = run_rows(tmp_path, rows, fuzzy=True)
    assert result.warnings == (
        "2018-03-05 发布的标题中相似的最多，而全部要比较的配对超过 50,000,000 对"
        "（或相似的配对超过 1 对），这些天没有做相似比较；标题相同的副本照常合并",
    )
    assert result.totals.unique_items == 3  # 2018-03-20 compared: 顺利 added, merged


def test_ten_days_of_similar_titles_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """attack-files/new/mk_fuzzy.py 10 375: 375 similar titles a platform a day, each day
    just under DAY_PAIRS_LIMIT: MemoryError at 2 GiB (30 days: killed after 285 s, 7 GiB)."""
    for platform, offset in (("门户", 0), ("头条", 10 * 375)):
        rows = [
            [title, str(datetime.date(2018, 1, 1) + datetime.timedelta(day))]
            for day in range(10)
            for title in similar_titles(375, offset + day * 375)
        ]
        (tmp_path / f"{platform}.csv").write_bytes(csv_bytes(["标题", "发布时间"], rows))
    done = run_limited(["aggregate", "门户.csv", "头条.csv", "--fuzzy"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "这些天没有做相似比较" in done.stderr
    assert "去重后信息 7,500 条" in done.stdout or "去重后信息 7500 条" in done.stdout


def test_members_joined_only_by_decisions_are_not_compared() -> None:
    """A chain of 8,000 `same` decisions and one similar pair took 21 s: every two members
    of the group were compared. Only members joined by similarity are compared (with
    every member); two joined by decisions alone are what the clerk said."""
    from rapidfuzz.fuzz import ratio

    base = "全市中小学安全工作会议"  # a similar pair B-C; A and D joined to B by decisions
    keys = [base + "甲乙丙丁戊己", base, base + "召开", base + "庚辛壬癸子丑"]
    assert (
        ratio(keys[0], keys[3])
        < 70
        <= min(
            ratio(keys[0], keys[1]),
            ratio(keys[3], keys[1]),
            ratio(keys[0], keys[2]),
            ratio(keys[3], keys[2]),
        )
    )
    result = fuzzy.merge(keys, np.zeros(4), 3, same=[(0, 1), (1, 3)], masks=[1, 1, 2, 1])
    assert len(set(result.group.tolist())) == 1
    assert [p[3] for p in result.pairs] == [fuzzy.MERGED]


def test_pairs_on_one_platform_do_not_count_against_the_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 9 attack: the day limit counted pairs on one platform, which are never scored:
    days with 1,999,396 pairs to score were skipped as over 2,000,000."""
    monkeypatch.setattr(fuzzy, "DAY_PAIRS_LIMIT", 5)
    keys = similar_titles(5)
    days = np.full(5, 100)
    masks = np.array([1, 1, 1, 1, 2])  # 10 pairs, 4 of them between platforms
    found = candidate_arrays(keys, days, 0, 70, masks=masks)
    assert found.crowded_days == () and len(found.a) == 4
    monkeypatch.setattr(fuzzy, "DAY_LISTED_LIMIT", 9)  # (listing them still has a bound)
    assert candidate_arrays(keys, days, 0, 70, masks=masks).crowded_days == (100,)
