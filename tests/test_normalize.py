from __future__ import annotations

import unicodedata
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xgedu_stats.config import Period
from xgedu_stats.normalize import (
    _PUNCTUATION,
    NFKC_SAFE,
    _trimmed,
    dates_column,
    normalize,
    out_of_period,
    parse_counts,
    parse_dates,
    title_keys,
)

SITES = ["孝感市教育局", "孝感教育信息网", "孝感教育"]


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("关于做好2018年招生工作的通知", "关于做好2018年招生工作的通知"),
        ("【孝感教育】关于做好2018年招生工作的通知", "关于做好2018年招生工作的通知"),
        ("[转载] 关于做好2018年招生工作的通知", "关于做好2018年招生工作的通知"),
        ("［转载］关于做好２０１８年招生工作的通知", "关于做好2018年招生工作的通知"),
        ("关于做好2018年招生工作的通知 - 孝感教育", "关于做好2018年招生工作的通知"),
        ("关于做好2018年招生工作的通知—孝感教育信息网", "关于做好2018年招生工作的通知"),
        ("关于做好2018年招生工作的通知_孝感市教育局", "关于做好2018年招生工作的通知"),
        ("关于做好2018年招生工作的通知 | 孝感教育", "关于做好2018年招生工作的通知"),
        ("关于做好2018年招生工作的通知｜孝感教育", "关于做好2018年招生工作的通知"),
        ("关于《做好“2018年”招生工作》的通知！", "关于做好2018年招生工作的通知"),
        ("关于 做好　2018年，招生工作的通知", "关于做好2018年招生工作的通知"),
        # punctuation before the separator (the regression a one-pass regex had)
        ("召开会议（第3期） - 孝感教育", "召开会议第3期"),
        ("召开会议！—孝感教育信息网", "召开会议"),
        ("【孝感教育】召开会议（第3期）_孝感市教育局", "召开会议第3期"),
        # a site name that is not joined by a separator, or not listed, stays
        ("孝感教育局召开会议", "孝感教育局召开会议"),
        ("召开会议 - 湖北日报", "召开会议湖北日报"),
        # a tag in the middle stays (only its brackets go)
        ("全市【重点】工作会议", "全市重点工作会议"),
        ("", ""),
    ],
)
def test_title_keys(title: str, key: str) -> None:
    assert title_keys(pd.Series([title]), SITES).tolist() == [key]


def test_title_keys_without_site_names() -> None:
    assert title_keys(pd.Series(["会议 - 孝感教育"])).tolist() == ["会议孝感教育"]


def test_title_keys_idempotent() -> None:
    titles = pd.Series(["【孝感教育】关于（２０１８）的通知 - 孝感教育", "a b,c"])
    once = title_keys(titles, SITES)
    assert title_keys(once, SITES).tolist() == once.tolist()


@pytest.mark.parametrize(
    "value",
    [
        "2018-03-05",
        "2018-03-05 10:20",
        "2018-03-05 10:20:00",
        "2018/3/5",
        "2018/03/05 9:05",
        "2018.3.5",
        "2018年3月5日",
        "2018年3月5日 10时20分",
        "２０１８年３月５日",
        " 2018-03-05 ",
        "2018-03-05T10:20:00",
        "2018-03-05T10:20:00Z",
        "2018-03-05T10:20:00+08:00",
        "2018-03-05 10:20:00.123",
    ],
)
def test_parse_dates_forms(value: str) -> None:
    assert parse_dates(pd.Series([value])).tolist() == [pd.Timestamp("2018-03-05")]


@pytest.mark.parametrize(
    "value",
    ["", "待定", "2018-02-30", "2018-13-01", "18-3-5", "2018-03-05 25:00", "2018-03-05 abc"],
)
def test_parse_dates_unreadable(value: str) -> None:
    assert parse_dates(pd.Series([value])).isna().all()


@pytest.mark.parametrize(
    ("raw", "value", "approx"),
    [
        ("1,234", 1234, False),
        ("1，234", 1234, False),
        (" 17 ", 17, False),
        ("1.2万", 12000, False),
        ("１.２万", 12000, False),
        ("10万+", 100000, True),
        ("3亿", 300000000, False),
        ("999+", 999, True),
        ("", pd.NA, False),
        ("abc", pd.NA, False),
        ("1.5", pd.NA, False),
        ("-3", pd.NA, False),
        (None, pd.NA, False),
    ],
)
def test_parse_counts(raw: str | None, value: object, approx: bool) -> None:
    got = parse_counts(pd.Series([raw], dtype="str"))
    assert str(got["value"].dtype) == "Int64"
    assert got["value"].tolist() == [value]
    assert got["approx"].tolist() == [approx]


@pytest.mark.parametrize(
    ("raw", "day"),
    [("43164", "2018-03-05"), ("43164.43", "2018-03-05"), ("21916", "1960-01-01")],
)
def test_excel_serial_dates(raw: str, day: str) -> None:
    assert parse_dates(pd.Series([raw])).tolist() == [pd.Timestamp(day)]


@pytest.mark.parametrize("raw", ["2018", "21915", "73051", "1e5"])
def test_numbers_that_are_not_plausible_serial_dates(raw: str) -> None:
    assert parse_dates(pd.Series([raw])).isna().all()


def rows(**cols: list[str]) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    base = {
        "file": ["a.csv"] * n,
        "line": list(range(2, n + 2)),
        "platform": ["portal"] * n,
        "title": ["标题"] * n,
        "date": ["2018-01-01"] * n,
        "channel": [""] * n,
        "url": [""] * n,
        "views": [""] * n,
    }
    base.update(cols)
    return pd.DataFrame(base).astype(
        {c: "str" for c in ["file", "platform", "title", "date", "channel", "url", "views"]}
    )


def test_normalize_reasons() -> None:
    out = normalize(
        rows(
            title=["甲", "", "  ", "——", "乙", "丙", ""],
            date=["2018-01-01", "2018-01-01", "2018-01-01", "2018-01-01", "", "待定", "x"],
        ),
        SITES,
    )
    assert out["reason"].tolist() == [
        "",
        "标题为空",
        "标题为空",
        "标题只有标点符号",
        "发布时间为空",
        "发布时间无法识别",
        "标题为空；发布时间无法识别",
    ]


def test_normalize_keeps_raw_values_and_types_the_rest() -> None:
    out = normalize(rows(title=[" 甲 "], date=["2018/1/2"], views=["1,000"]), SITES)
    r = out.iloc[0]
    assert (r["title"], r["title_key"], r["date_raw"], r["views_raw"]) == (
        "甲",
        "甲",
        "2018/1/2",
        "1,000",
    )
    assert r["date"] == pd.Timestamp("2018-01-02")
    assert r["views"] == 1000


def test_out_of_period() -> None:
    frame = pd.DataFrame(
        {"date": pd.to_datetime(["2017-12-31", "2018-01-01", "2018-12-31", "2019-01-01", None])}
    )
    year = Period.year(2018)
    assert out_of_period(frame, year).tolist() == [True, False, False, True, False]
    assert out_of_period(frame, Period()).tolist() == [False] * 5
    since = Period(start=date(2018, 6, 1))
    assert out_of_period(frame, since).tolist() == [True, True, False, False, False]


two = st.integers(0, 39).map("{:02d}".format)
iso_like = st.builds(
    lambda y, m, d, time, tail: f"{y:04d}-{m}-{d}{time}{tail}",
    st.integers(0, 9999),
    two,
    two,
    st.one_of(
        st.just(""),
        st.builds(lambda h, mi: f" {h}:{mi}", two, two),
        st.builds(lambda h, mi, s: f" {h}:{mi}:{s}", two, two, two),
    ),
    st.sampled_from(["", "", "", " ", "Z", ".5", "x"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(iso_like, st.text("0123456789-/: 年月日T", max_size=20)), max_size=20))
def test_dates_read_by_position_are_what_parse_dates_reads(values: list[str]) -> None:
    column = pd.Series(values, dtype="str")
    got = dates_column(column)
    pd.testing.assert_series_equal(got["date"], parse_dates(column), check_names=False)
    assert got["blank"].tolist() == [not v.strip() for v in values]


def _composition_seconds() -> set[str]:
    seconds = set()
    for code in range(0x110000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(chr(int(parts[1], 16)))
    return seconds


def test_every_character_that_skips_nfkc_is_safe_to_skip() -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    safe = [chr(c) for c in [*range(0x80), *range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)]]
    safe += list(NFKC_SAFE)
    seconds = _composition_seconds()
    anchored = set("[]【】-—_|") | {c for c in map(chr, range(0x80)) if c.isspace()}

    def dropped(texts: list[str]) -> list[bool]:
        kept = pc.replace_substring_regex(pa.array(texts), _PUNCTUATION, "")
        return [k == "" for k in kept.to_pylist()]

    marks = pc.match_substring_regex(pa.array(safe), r"\p{M}").to_pylist()
    assert not any(marks)  # title_keys looks for combining marks only where NFKC ran
    images = [unicodedata.normalize("NFKC", c) for c in safe]
    punct_before, punct_after = dropped(safe), dropped(images)
    for c, image, before, after in zip(safe, images, punct_before, punct_after, strict=True):
        stable = image == c and unicodedata.combining(c) == 0 and c not in seconds
        dropped_either_way = before and after and not (set(image) & anchored)
        assert stable or dropped_either_way, f"U+{ord(c):04X} {c!r} -> {image!r}"


# A title as the rules see it: a lead (tag, spaces), words and punctuation, a joint
# (separators, spaces) and a tail (a site name). Characters NFKC changes appear in every
# part, so a character wrongly let past NFKC changes some key.
_changed = ["　", "［", "］", "－", "＿", "｜", "５", "Ａ", "\u0301", "⑴", "㈱", "﹝", "ﾟ"]
_part = st.sampled_from
title_text = st.builds(
    lambda lead, words, joint, tail: lead + "".join(words) + "".join(joint) + tail,
    _part(["", " ", "【转】", "[转]", "［转］", "［转]", "　", "【转】　"]),
    st.lists(
        _part(["关于", "通知", "第3期", "a", "1", "（", "）", "，", "…", "·", *_changed]),
        max_size=4,
    ),
    st.lists(_part([" ", "-", " - ", "—", "_", "|", "　", "－", "＿", "｜", "（"]), max_size=3),
    _part(["", "孝感教育", "孝感教育 ", "孝感教育　"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(title_text, min_size=1, max_size=20))
def test_keys_are_the_same_with_or_without_the_nfkc_shortcut(titles: list[str]) -> None:
    nfkc = [unicodedata.normalize("NFKC", t) for t in titles]  # the shortcut never applies
    got = title_keys(pd.Series(titles, dtype="str"), ["孝感教育"])
    assert got.tolist() == title_keys(pd.Series(nfkc, dtype="str"), ["孝感教育"]).tolist()


def test_trimming_finds_every_space_the_kernel_trims() -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    texts = pa.chunked_array([[c + "甲" for c in chars], ["甲" + c for c in chars], chars])
    got = _trimmed(texts)
    assert got.to_pylist() == pc.utf8_trim_whitespace(texts).to_pylist()
