from __future__ import annotations

import unicodedata
import warnings
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xgedu_stats.config import Period
from xgedu_stats.items.normalize import (
    _DATE,
    _PUNCTUATION,
    DATE_REASONS,
    NFKC_SAFE,
    REASON_AMBIGUOUS_DATE,
    REASON_BAD_DATE,
    REASON_NO_DATE,
    REASON_NO_TITLE,
    REASON_PUNCT_TITLE,
    REASONS,
    TITLE_REASONS,
    _trimmed,
    ambiguous_dates,
    date_parts,
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
    ("value", "day"),
    [
        # eight digits
        ("20180306", "2018-03-06"),
        ("２０１８０３０６", "2018-03-06"),
        # 上午/下午 before the time
        ("2018-03-08 下午 3:20", "2018-03-08"),
        ("2018-03-08 上午 10:20", "2018-03-08"),
        ("2018/3/8 下午3:20:05", "2018-03-08"),
        ("2018年3月8日 下午3时20分", "2018-03-08"),
        ("2018年3月8日下午3时20分", "2018-03-08"),
        ("2018-03-08 下午 12:00", "2018-03-08"),
        ("2018-03-08 上午 12:30", "2018-03-08"),
        # a weekday after the date, ignored (even when it is wrong: 2018-03-09 was a Friday)
        ("2018年3月9日 星期五", "2018-03-09"),
        ("2018-03-09 周五", "2018-03-09"),
        ("2018-03-09（星期五）", "2018-03-09"),
        ("2018-03-09 (星期五)", "2018-03-09"),
        ("2018年3月9日 星期五 10:20", "2018-03-09"),
        ("2018年3月9日星期五", "2018-03-09"),
        ("2018-03-09 星期日", "2018-03-09"),
        ("2018-03-09 星期天", "2018-03-09"),
        ("2018-03-09 周日 下午 3:20", "2018-03-09"),
        # fractions of a second and offsets that keep the day
        ("2018-03-08T10:20:00.000+0800", "2018-03-08"),
        ("2018-03-08T10:20:00.123456Z", "2018-03-08"),
        ("2018-03-08 10:20:00 +08:00", "2018-03-08"),
        ("2018-03-08 10:20:00+08", "2018-03-08"),
    ],
)
def test_parse_dates_more_forms(value: str, day: str) -> None:
    assert parse_dates(pd.Series([value])).tolist() == [pd.Timestamp(day)]


@pytest.mark.parametrize(
    ("value", "day"),
    [
        # a time with an offset is moved to China Standard Time (UTC+8) before its day is taken
        ("2018-03-08T20:00:00Z", "2018-03-09"),
        ("2018-03-08T15:59:59Z", "2018-03-08"),
        ("2018-03-08T16:00:00Z", "2018-03-09"),
        ("2018-03-08T16:00:00+0000", "2018-03-09"),
        ("2018-03-09T01:00:00+09:00", "2018-03-09"),
        ("2018-03-09T00:59:00+09:00", "2018-03-08"),
        ("2018-03-08 16:00:00 -08:00", "2018-03-09"),
        ("2018-03-09 00:30+08:30", "2018-03-09"),
        ("2018-03-09T00:10:00+08:30", "2018-03-08"),
        ("2018-03-08T23:00:00-14:00", "2018-03-09"),
        ("2018-03-08T23:00:00+14:00", "2018-03-08"),
        ("2018-03-09T01:00:00+14:00", "2018-03-08"),
        ("2018-12-31T16:00:00Z", "2019-01-01"),
        ("2018-03-08 下午 4:00 Z", "2018-03-09"),
        # no offset: as written; a date without a time: the day as written
        ("2018-03-08T23:59:59", "2018-03-08"),
        ("2018-03-08Z", "2018-03-08"),
        ("2018-03-08+09:00", "2018-03-08"),
    ],
)
def test_times_with_an_offset_are_taken_in_china_standard_time(value: str, day: str) -> None:
    assert parse_dates(pd.Series([value])).tolist() == [pd.Timestamp(day)]
    assert dates_column(pd.Series([value]))["date"].tolist() == [pd.Timestamp(day)]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "待定",
        "2018-02-30",
        "2018-13-01",
        "18-3-5",
        "2018-03-05 25:00",
        "2018-03-05 abc",
        # 上午/下午 with an hour past 12, or after the time
        "2018-03-08 下午 13:20",
        "2018-03-08 上午 15:00",
        "2018-03-08 3:20 下午",
        # offsets beyond ±14:00 or with 60 minutes or more
        "2018-01-01T10:00:00+99:00",
        "2018-03-08T10:20:00+08:75",
        "2018-03-08T10:20:00+14:01",
        "2018-03-08T10:20:00-1500",
        "2018-03-08+99:00",
        "2018-03-05-08",
        # years outside 1900-2100
        "0001-01-01",
        "9999-01-01",
        "1899-12-31",
        "2101-01-01",
        "18990101",
        # eight digits that are not a date; a weekday that is not one
        "20181301",
        "20180230",
        "2018030",
        "2018-03-09 周八",
        "2018-03-09 星期",
    ],
)
def test_parse_dates_unreadable(value: str) -> None:
    assert parse_dates(pd.Series([value])).isna().all()
    assert dates_column(pd.Series([value]))["date"].isna().all()


@pytest.mark.parametrize(
    ("value", "day"),
    [("1900-01-01", "1900-01-01"), ("2100-12-31 23:59", "2100-12-31"), ("19000101", "1900-01-01")],
)
def test_the_years_at_either_end_are_readable(value: str, day: str) -> None:
    assert parse_dates(pd.Series([value])).tolist() == [pd.Timestamp(day)]
    assert dates_column(pd.Series([value]))["date"].tolist() == [pd.Timestamp(day)]


@pytest.mark.parametrize(
    ("value", "ambiguous"),
    [
        ("3/5/2018", True),
        ("05/03/2018", True),
        ("18-3-7", True),
        ("3.5.18", True),
        ("3/5/18", True),
        ("13/5/2018", True),
        ("3/5/2018 10:20", True),
        ("３/５/２０１８", True),
        ("18年3月7日", True),
        ("2018-3-7", False),
        ("2018/3/5", False),
        ("20180305", False),
        ("3/5", False),
        ("3/5/201", False),
        ("待定", False),
        ("", False),
    ],
)
def test_ambiguous_dates(value: str, ambiguous: bool) -> None:
    assert ambiguous_dates(pd.Series([value])).tolist() == [ambiguous]
    column = dates_column(pd.Series([value]))
    assert column["ambiguous"].tolist() == [ambiguous]
    assert column["date"].isna().all() == (ambiguous or value in {"3/5", "3/5/201", "待定", ""})


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
        ("1000000000000", 10**12, False),  # MAX_COUNT
        ("1000000000001", pd.NA, False),
        ("9" * 20, pd.NA, False),  # (issue 9 attack: overflowed to a negative count)
        ("9" * 400, pd.NA, False),  # (a float's inf: a RuntimeWarning leaked)
    ],
)
def test_parse_counts(raw: str | None, value: object, approx: bool) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
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


def test_ambiguous_dates_have_their_own_reason() -> None:
    out = normalize(rows(date=["3/5/2018", "18-3-7", "2018-03-05", "2018-3-5"]), SITES)
    assert out["reason"].tolist() == [
        "发布时间有歧义：看不出日、月的顺序或年份的世纪，请写成 2018-03-05 这样的年-月-日",
        "发布时间有歧义：看不出日、月的顺序或年份的世纪，请写成 2018-03-05 这样的年-月-日",
        "",
        "",
    ]


def test_every_combination_of_title_and_date_reasons() -> None:
    titles = {"": "甲", REASON_NO_TITLE: " ", REASON_PUNCT_TITLE: "——"}
    dates = {
        "": "2018-01-01",
        REASON_NO_DATE: " ",
        REASON_BAD_DATE: "待定",
        REASON_AMBIGUOUS_DATE: "3/5/2018",
    }
    assert set(TITLE_REASONS) == set(titles) and set(DATE_REASONS) == set(dates)
    cases = [(t, d) for t in titles for d in dates]
    out = normalize(
        rows(title=[titles[t] for t, _ in cases], date=[dates[d] for _, d in cases]), SITES
    )
    assert out["reason"].tolist() == ["；".join(r for r in case if r) for case in cases]
    assert len(set(out["reason"])) == len(cases) == len(REASONS)


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
# mostly years near the readable range (1900-2100), with its edges; mostly real months,
# days and hours, so that the offsets that move a day are met often
year = st.one_of(st.integers(1895, 2105), st.integers(0, 9999))
month = st.one_of(st.integers(1, 12).map("{:02d}".format), two)
day = st.one_of(st.integers(1, 28).map("{:02d}".format), two)
iso_like = st.builds(
    lambda y, m, d, time, tail: f"{y:04d}-{m}-{d}{time}{tail}",
    year,
    month,
    day,
    st.one_of(
        st.just(""),
        st.builds(lambda h, mi: f" {h}:{mi}", two, two),
        st.builds(lambda h, mi, s: f" {h}:{mi}:{s}", two, two, two),
        # the forms the byte-position path must leave to the regex
        st.builds(
            lambda sep, h, mi, s: f"{sep}{h}:{mi}:{s}",
            st.sampled_from(
                ["T", "", " 下午 ", " 上午", "下午", " 周五 ", "(星期五) ", "周五 上午"]
            ),
            two,
            two,
            two,
        ),
    ),
    st.sampled_from(
        [
            *["", "", "", " ", "Z", ".5", "x", ".000+0800", "+08:00", " +08:00", "+08"],
            *["-14:00", "+14:01", "+08:75", "+99:00", " 星期五", "（星期五）", "周五"],
        ]
    ),
)
compact_like = st.builds(lambda y, m, d: f"{y:04d}{m}{d}", year, month, day)
ambiguous_like = st.builds(
    lambda a, b, sep, y: f"{a}{sep}{b}{sep}{y}",
    st.integers(0, 39),
    st.integers(0, 39),
    st.sampled_from("-/."),
    st.sampled_from(["18", "2018", "7"]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            iso_like,
            compact_like,
            ambiguous_like,
            st.text("0123456789-/: 年月日T上下午星期周五()+Z", max_size=20),
        ),
        max_size=20,
    )
)
def test_dates_read_by_position_are_what_parse_dates_reads(values: list[str]) -> None:
    column = pd.Series(values, dtype="str")
    got = dates_column(column)
    pd.testing.assert_series_equal(got["date"], parse_dates(column), check_names=False)
    assert got["blank"].tolist() == [not v.strip() for v in values]
    assert got["ambiguous"].tolist() == ambiguous_dates(column).tolist()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            iso_like,
            st.text("0123456789-/:. 年月日时分秒T上下午星期周一五日天()+Z", max_size=24),
        ),
        max_size=20,
    )
)
def test_date_parts_are_the_groups_of_the_full_pattern(values: list[str]) -> None:
    import re

    import pyarrow as pa
    import pyarrow.compute as pc

    a = pa.array([unicodedata.normalize("NFKC", v).strip() for v in values], pa.string())
    parts = date_parts(a)
    full = pc.extract_regex(a, _DATE)
    for i, field in enumerate(full.type):
        assert parts[field.name].to_pylist() == full.field(i).to_pylist(), field.name
    for zone, sign, zh, zm in zip(
        *(parts[k].to_pylist() for k in ("zone", "sign", "zh", "zm")), strict=True
    ):
        found = re.fullmatch(r"([+-])(\d\d):?(\d\d)?", zone)
        assert (sign, zh, zm) == ((found[1], found[2], found[3] or "") if found else ("", "", ""))


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
