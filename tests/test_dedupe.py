from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xgedu_stats import columns
from xgedu_stats.items import dedupe
from xgedu_stats.items.dedupe import (
    _Words,
    assign_items,
    first_copies,
    key_codes,
    merged_groups,
    sorted_codes,
)


def ids(keys: list[str], dates: list[str], window: int = 3) -> list[int]:
    return assign_items(pd.Series(keys), pd.to_datetime(pd.Series(dates)), window).tolist()


def test_equal_titles_two_days_apart_merge() -> None:
    assert ids(["a", "a"], ["2018-03-01", "2018-03-03"]) == [1, 1]


def test_equal_titles_sixty_days_apart_do_not_merge() -> None:
    assert ids(["a", "a"], ["2018-03-01", "2018-04-30"]) == [1, 2]


def test_window_is_inclusive() -> None:
    assert ids(["a", "a"], ["2018-03-01", "2018-03-04"]) == [1, 1]
    assert ids(["a", "a"], ["2018-03-01", "2018-03-05"]) == [1, 2]


def test_window_zero_means_same_day() -> None:
    assert ids(["a", "a", "a"], ["2018-03-01", "2018-03-01", "2018-03-02"], 0) == [1, 1, 2]


def test_chains_merge() -> None:
    assert ids(["a", "a", "a"], ["2018-03-01", "2018-03-04", "2018-03-07"]) == [1, 1, 1]


def test_different_titles_same_day_do_not_merge() -> None:
    assert sorted(ids(["a", "b"], ["2018-03-01", "2018-03-01"])) == [1, 2]


def test_ids_follow_first_date_then_key_whatever_the_row_order() -> None:
    keys = ["b", "a", "c", "a", "b"]
    dates = ["2018-05-01", "2018-05-01", "2018-01-01", "2018-09-01", "2018-05-02"]
    forward = ids(keys, dates)
    assert forward[2] == 1 and forward[3] == 4  # the first and the last date
    assert forward[0] == forward[4] and {forward[0], forward[1]} == {2, 3}  # same day: by key
    backward = ids(keys[::-1], dates[::-1])[::-1]
    assert backward == forward


def test_empty() -> None:
    assert ids([], []) == []


def test_merged_groups_lists_only_items_with_copies() -> None:
    rows = pd.DataFrame(
        {
            "item_id": [1, 2, 1],
            "date": pd.to_datetime(["2018-01-02", "2018-01-01", "2018-01-01"]),
            "platform_rank": [0, 0, 3],
            "file": ["a", "a", "b"],
            "line": [2, 3, 2],
        }
    )
    got = merged_groups(rows)
    assert got[["item_id", "file", "line"]].values.tolist() == [[1, "b", 2], [1, "a", 2]]


def test_key_codes_tell_apart_keys_that_differ_only_where_no_word_is_read() -> None:
    # 40 bytes: the words read are bytes 0-7, 16-23 and 32-39; these differ at byte 10 only.
    first, second, third = "a" * 10 + "c" + "a" * 29, "a" * 10 + "b" + "a" * 29, "a" * 40
    codes = key_codes(pd.Series([first, second, third, first, ""])).tolist()
    assert codes[0] == codes[3]
    assert len(set(codes)) == 4
    assert codes[1] < codes[0]  # equal numbers: ordered as strings ("b" before "c")


cjk = st.text(alphabet="关于第期年月日通知一二三a1", max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(cjk, min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_key_codes_depend_on_the_keys_alone(keys: list[str], random) -> None:
    codes = dict(zip(keys, key_codes(pd.Series(keys)).tolist(), strict=True))
    shuffled = keys[:]
    random.shuffle(shuffled)
    again = dict(zip(shuffled, key_codes(pd.Series(shuffled)).tolist(), strict=True))
    ranks = sorted(set(codes.values()))
    assert codes == again  # the same order whatever the row order …
    assert len(ranks) == len(set(keys)) and ranks == list(range(len(ranks)))  # … one per key


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(cjk, max_size=8), min_size=1, max_size=5))
def test_key_codes_of_a_column_in_pieces_are_those_of_one_piece(pieces: list[list[str]]) -> None:
    # A column read from several files, or normalised in blocks, is several Arrow chunks:
    # they are encoded in place, with one dictionary, not copied into one first.
    column = pd.concat([pd.Series(p, dtype="str") for p in pieces], ignore_index=True)
    whole = pd.Series(column.tolist(), dtype="str")
    assert pa.chunked_array(pa.array(column.array)).num_chunks == len(pieces)
    assert key_codes(column).tolist() == key_codes(whole).tolist()
    assert sorted_codes(column).tolist() == sorted_codes(whole).tolist()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=40), st.data())
def test_words_read_up_to_eight_bytes_anywhere(data: bytes, draw) -> None:
    offsets = draw.draw(st.lists(st.integers(0, len(data)), min_size=1, max_size=10))
    counts = [draw.draw(st.integers(0, min(8, len(data) - o))) for o in offsets]
    got = _Words(np.frombuffer(data, dtype=np.uint8)).at(np.array(offsets), np.array(counts))
    expected = [
        int.from_bytes(data[o : o + c].ljust(8, b"\0"), "big")
        for o, c in zip(offsets, counts, strict=True)
    ]
    assert got.tolist() == expected


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 4),  # item
            st.integers(0, 3),  # platform rank
            st.integers(0, 400),  # day
            st.sampled_from(["b.csv", "a.csv", "门户.csv"]),
            st.integers(2, 9),  # line
        ),
        min_size=1,
        max_size=30,
        unique_by=lambda r: (r[3], r[4]),
    ),
    st.booleans(),
)
def test_first_copy_is_the_smallest_platform_date_file_line(rows: list, huge: bool) -> None:
    present = sorted({r[0] for r in rows})
    renumber = {item: i + 1 for i, item in enumerate(present)}  # ids 1…N
    frame = pd.DataFrame(
        {
            "platform_rank": [r[1] for r in rows],
            "date": pd.to_datetime("2018-01-01") + pd.to_timedelta([r[2] for r in rows], unit="D"),
            "file": pd.array([r[3] for r in rows], dtype="str"),
            # huge line numbers: the four no longer fit in one number (the sorting path)
            "line": [r[4] * (10**15 if huge else 1) for r in rows],
        }
    )
    ids = np.array([renumber[r[0]] for r in rows])
    got = first_copies(frame, ids).tolist()
    expected = [
        min((i for i, r in enumerate(rows) if renumber[r[0]] == item), key=lambda i: rows[i][1:])
        for item in range(1, len(present) + 1)
    ]
    assert got == expected


any_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=90)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(any_text, max_size=8), min_size=1, max_size=5), st.integers(1, 9))
def test_string_hashes_are_of_the_strings_alone(pieces: list[list[str]], piece: int) -> None:
    # Whatever the chunks, the slices and the pieces hashed at a time: equal strings hash
    # equal, and these few different strings differently.
    chunked = pa.chunked_array([pa.array(p, pa.large_string()) for p in pieces])
    flat = [s for p in pieces for s in p]
    whole = pa.chunked_array([pa.array(["x", *flat], pa.string()).slice(1)])
    for hashes in (columns.string_hashes(chunked, piece), columns.string_hashes(whole)):
        for h in hashes:
            assert len(h) == len(flat)
            by_string = dict(zip(flat, h.tolist(), strict=True))
            assert h.tolist() == [by_string[s] for s in flat]
            assert len(set(by_string.values())) == len(by_string)
    assert [h.tolist() for h in columns.string_hashes(chunked)] == [
        h.tolist() for h in columns.string_hashes(whole)
    ]


def test_long_strings_hash_alike_one_word_at_a_time_or_all_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Words after the first 32 of a string are hashed all at once (a 13 MB title would
    # otherwise be 1.6 million steps): the hashes are those of one word at a time.
    strings = pa.chunked_array(
        [["", "a", "关于" * 50, "x" * 8 * 33, "y" * 1001, "通知", "z" * 300]]
    )
    at_once = columns.string_hashes(strings)
    monkeypatch.setattr(columns, "_WINDOW", 7)  # (windows that cut strings anywhere)
    in_windows = columns.string_hashes(strings)
    monkeypatch.setattr(columns, "_COLUMNS", 1000)
    one_by_one = columns.string_hashes(strings)
    assert [h.tolist() for h in at_once] == [h.tolist() for h in one_by_one]
    assert [h.tolist() for h in in_windows] == [h.tolist() for h in one_by_one]


def _collide(monkeypatch: pytest.MonkeyPatch, module: object, which: int) -> None:
    """Make one of ``string_hashes``' two hashes the same for every string (a collision)."""
    real = columns.string_hashes

    def colliding(a: pa.ChunkedArray, piece: int | None = None) -> tuple[np.ndarray, ...]:
        hashes = list(real(a, piece))
        hashes[which] = np.zeros(len(a), dtype=np.uint64)
        return tuple(hashes)

    monkeypatch.setattr(module, "string_hashes", colliding)


@pytest.mark.parametrize("which", [0, 1])
def test_key_codes_are_not_fooled_by_a_hash_collision(
    monkeypatch: pytest.MonkeyPatch, which: int
) -> None:
    # Keys of one length whose numbers tie (they differ where no word is read): with one
    # hash made to collide, the other tells them apart, and the codes are the strings'.
    keys = pd.Series(["a" * 10 + c + "a" * 29 for c in "cbdcb"] + ["a" * 40, ""], dtype="str")
    expected = dedupe.codes_by_strings(pa.chunked_array(pa.array(keys.array)))
    assert len(set(expected.tolist())) == 5
    _collide(monkeypatch, dedupe, which)
    assert key_codes(keys).tolist() == expected.tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(any_text, max_size=40))
def test_key_codes_are_those_of_the_strings(keys: list[str]) -> None:
    # The hashed path (no dictionary of the keys) against the careful one (a dictionary).
    column = pd.Series(keys, dtype="str")
    careful = dedupe.codes_by_strings(pa.chunked_array(pa.array(column.array)))
    assert key_codes(column).tolist() == careful.tolist()


def test_rows_whose_first_hashes_collide_are_grouped_by_every_hash() -> None:
    # Groups numbered in order of first appearance either way (as a dictionary would).
    first = np.array([9, 5, 9, 5, 7], dtype=np.uint64)
    second = np.array([1, 2, 3, 2, 4], dtype=np.uint64)
    group, rep = columns.hashed_groups(first, second)
    assert group.tolist() == [0, 1, 2, 1, 3] and rep.tolist() == [0, 1, 2, 4]
    group, rep = columns.hashed_groups(first, second * 0)
    assert group.tolist() == [0, 1, 0, 1, 2] and rep.tolist() == [0, 1, 4]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), cjk), max_size=30), st.lists(cjk, max_size=3))
def test_codes_of_a_column_of_categories_are_those_of_its_strings(
    values: list[str | None], unused: list[str]
) -> None:
    # Result.rows holds file, platform and channel as categories (a code a row); sorted
    # codes and the distinct values read the categories, not strings made again.
    strings = pd.Series([v or "" for v in values], dtype="str")
    categories = pd.Series(
        pd.Categorical(values, categories=sorted({v for v in values if v is not None} | {*unused}))
    )
    assert sorted_codes(categories).tolist() == sorted_codes(strings).tolist()
    names, at = columns.encoded(categories)
    assert names.take(at).to_pylist() == strings.tolist()
