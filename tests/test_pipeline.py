from __future__ import annotations

import csv
import io
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPORT_2018, SAMPLES

from xgedu_stats import columns
from xgedu_stats.config import Period, RunConfig, Settings, settings_from_dict
from xgedu_stats.errors import InputError
from xgedu_stats.pipeline import Result, Totals, copies, run
from xgedu_stats.read import sources


def run_on(*paths: Path, settings: Settings | None = None, period: Period | None = None) -> Result:
    return run(RunConfig(tuple(paths), settings or Settings(), period or Period()))


@pytest.fixture(scope="module")
def samples() -> Result:
    return run_on(SAMPLES, period=Period.year(2018))


def test_samples_reproduce_the_2018_report(samples: Result) -> None:
    counts = dict(zip(samples.categories["category"], samples.categories["count"], strict=True))
    assert counts == REPORT_2018
    assert list(samples.categories["category"]) == list(REPORT_2018)  # the report's order


def test_samples_conservation(samples: Result) -> None:
    t = samples.totals
    assert t == Totals(
        rows_read=5097, rejected=6, out_of_period=67, duplicates=2586, unique_items=2438
    )
    assert t.balanced
    assert t.unique_items == samples.categories["count"].sum() == len(samples.items)


def test_samples_rejects_name_file_line_and_reason(samples: Result) -> None:
    got = [
        [Path(f).name, line, reason]
        for f, line, reason in samples.rejects[["file", "line", "reason"]].values
    ]
    assert got == [
        ["云上孝感_2018.csv", 27, "发布时间无法识别"],
        ["今日头条_2018.csv", 7, "发布时间为空"],
        ["腾讯大楚网_2018.csv", 12, "标题只有标点符号"],
        ["门户网站_2018上半年.csv", 42, "标题为空"],
        ["门户网站_2018上半年.csv", 92, "标题为空"],
        ["门户网站_2018下半年.csv", 62, "发布时间无法识别"],
    ]
    assert samples.rejects["file"].iloc[0] == (SAMPLES / "云上孝感_2018.csv").as_posix()


def test_samples_platform_table_is_consistent(samples: Result) -> None:
    p = samples.platforms.set_index("platform")
    assert list(p.index) == ["portal", "yunshang", "dachu", "toutiao"]
    assert p["rows"].sum() == samples.totals.rows_read
    assert (p["items"] <= samples.totals.unique_items).all()
    assert p["only_here"].sum() <= samples.totals.unique_items
    # every item is on at least one platform: items on several count once in each
    assert p["items"].sum() >= samples.totals.unique_items


def test_samples_every_duplicate_is_listed(samples: Result) -> None:
    d = copies(samples)
    assert len(d) - d["item_id"].nunique() == samples.totals.duplicates


def test_samples_have_no_uncategorised_items(samples: Result) -> None:
    assert not any("未分类" in w for w in samples.warnings)


def _rewrite(src: Path, dst: Path, header: list[str], encoding: str) -> None:
    """Copy an export with a new header row and encoding, rows unchanged."""
    data = src.read_bytes()
    text = data.decode("utf-8-sig") if not src.name.startswith("门户") else data.decode("gbk")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header + rows[0][len(header) :])
    writer.writerows(rows[1:])
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(out.getvalue().encode(encoding))


def test_a_folder_per_platform_with_other_headers(tmp_path: Path) -> None:
    """As a new user: exports laid out differently from the samples give the same figures."""
    root = tmp_path / "exports"
    _rewrite(
        SAMPLES / "门户网站_2018上半年.csv",
        root / "门户网站" / "第一批.csv",
        ["序号", "文章标题", "信息分类", "日期", "文章链接", "浏览量"],
        "utf-8-sig",
    )
    _rewrite(
        SAMPLES / "门户网站_2018下半年.csv",
        root / "门户网站" / "第二批.csv",
        ["No", "Title", "Channel", "Publish_Date", "URL", "Views"],
        "gb18030",
    )
    _rewrite(
        SAMPLES / "云上孝感_2018.csv",
        root / "yunshang" / "export.csv",
        ["标 题", "栏目", "发布时间", "网址", "阅读量"],
        "gbk",
    )
    _rewrite(
        SAMPLES / "腾讯大楚网_2018.csv",
        root / "大楚" / "list.csv",
        ["作品标题", "category", "publish_time", "原文链接", "点击量"],
        "utf-8",
    )
    _rewrite(
        SAMPLES / "今日头条_2018.csv", root / "今日头条" / "articles.csv", ["标题"], "utf-8-sig"
    )
    got = run_on(root, period=Period.year(2018))
    counts = dict(zip(got.categories["category"], got.categories["count"], strict=True))
    assert counts == REPORT_2018
    assert got.totals.balanced
    assert {f.platform for f in got.files} == {"portal", "yunshang", "dachu", "toutiao"}


def test_files_in_any_order_give_the_same_figures(samples: Result) -> None:
    files = sorted(SAMPLES.glob("*.csv"), reverse=True)
    again = run_on(*files, period=Period.year(2018))
    assert again.totals == samples.totals
    assert again.categories.equals(samples.categories)
    assert again.platforms.equals(samples.platforms)


def test_rows_read_in_blocks_on_two_cores_give_the_same_result(
    samples: Result, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The samples are one block by default; in blocks of 300 rows on two threads, every
    # frame of the result is the same, row for row.
    monkeypatch.setattr(columns, "BLOCK_ROWS", 300)
    monkeypatch.setattr(columns.os, "cpu_count", lambda: 2)
    blocks = run_on(SAMPLES, period=Period.year(2018))
    assert blocks.totals == samples.totals
    for name in ("rows", "items", "rejects", "categories", "platforms"):
        pd.testing.assert_frame_equal(getattr(blocks, name), getattr(samples, name))
    pd.testing.assert_frame_equal(blocks.doc_types.counts, samples.doc_types.counts)
    assert blocks.doc_types.from_title == samples.doc_types.from_title
    assert blocks.warnings == samples.warnings


@pytest.mark.parametrize("block", [1000, 2000])
def test_tables_are_normalised_as_they_are_read(
    samples: Result, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    # The raw strings of every file are never alive at once: tables are screened as they
    # are read, a table of a block's rows or more on its own, smaller ones gathered until
    # they make a block (preparing has a cost a call). The result is the same.
    from xgedu_stats import pipeline

    seen: list[list[str]] = []
    real = pipeline._Screen.__call__

    def screen(self: pipeline._Screen, raw: pd.DataFrame) -> pd.DataFrame:
        seen.append(list(dict.fromkeys(raw["file"])))
        return real(self, raw)

    monkeypatch.setattr(columns, "BLOCK_ROWS", block)
    monkeypatch.setattr(sources, "BLOCK_ROWS", block)
    monkeypatch.setattr(pipeline._Screen, "__call__", screen)
    result = run_on(SAMPLES, period=Period.year(2018))
    rows = {f.file: f.rows - f.malformed for f in result.files if f.kind == "articles"}
    assert [f for files in seen for f in files] == list(rows)  # each table once, in order
    for files in seen[:-1]:
        assert sum(rows[f] for f in files) >= block > sum(rows[f] for f in files[:-1])
    assert len(seen) > 1
    assert result.totals == samples.totals
    pd.testing.assert_frame_equal(result.rows, samples.rows)


def test_a_table_read_is_let_go_before_the_next_file_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The raw strings of a table prepared are freed before the next file is read (a name
    # left holding them kept two files' raw text alive at once: +70 MB at 1M rows).
    import weakref

    from xgedu_stats import pipeline

    prepared: list[weakref.ref] = []
    alive_at_read: list[int] = []
    real_screen, real_read = pipeline._Screen.__call__, sources.read_grid

    def screen(self: pipeline._Screen, raw: pd.DataFrame) -> pd.DataFrame:
        prepared.append(weakref.ref(raw))
        return real_screen(self, raw)

    def read_grid(*args, **kwargs):  # type: ignore[no-untyped-def]
        alive_at_read.append(sum(r() is not None for r in prepared))
        return real_read(*args, **kwargs)

    monkeypatch.setattr(sources, "BLOCK_ROWS", 1000)
    monkeypatch.setattr(pipeline._Screen, "__call__", screen)
    monkeypatch.setattr(sources, "read_grid", read_grid)
    run_on(SAMPLES, period=Period.year(2018))
    assert len(prepared) > 3 and alive_at_read and not any(alive_at_read)


def test_rows_keep_no_title_keys_and_copies_make_them_again(samples: Result) -> None:
    # A title's key is found (and hashed) in the normalising pass, then let go: a million
    # rows' keys are ~76 MB. What lists them makes them again from the titles.
    from xgedu_stats.items.normalize import title_keys
    from xgedu_stats.pipeline import KEY_PARTS

    assert not {"title_key", *KEY_PARTS} & set(samples.rows.columns)
    listed = copies(samples)
    sites = samples.settings.dedupe.site_names
    assert listed["title_key"].tolist() == title_keys(listed["title"], sites).tolist()
    assert (listed["title_key"] != "").all() and len(listed) > 1000


def test_rows_name_their_file_platform_and_channel_by_category(samples: Result) -> None:
    # A code a row, not the name again on every row; the values are the names read.
    for name in ("file", "platform", "channel"):
        assert isinstance(samples.rows[name].dtype, pd.CategoricalDtype), name
    assert set(samples.rows["file"]) <= {f.file for f in samples.files}
    by_file = samples.rows.groupby("file", observed=True)["platform"].unique()
    assert {f: list(p) for f, p in by_file.items()} == {
        f.file: [f.platform] for f in samples.files if f.file in by_file.index
    }
    assert {"", "孝感市教育局/孝感教育新闻"} <= set(samples.rows["channel"])


def test_in_blocks_keeps_order_and_index() -> None:
    frame = pd.DataFrame({"a": range(10)}, index=range(100, 110))
    seen: list[int] = []

    def double(block: pd.DataFrame) -> pd.DataFrame:
        seen.append(len(block))
        return block.assign(b=block["a"] * 2)

    out = columns.in_blocks(double, frame, rows=3)
    pd.testing.assert_frame_equal(out, frame.assign(b=frame["a"] * 2))
    assert sorted(seen) == ([1, 3, 3, 3] if (columns.os.cpu_count() or 1) > 1 else [10])


def test_a_stop_in_one_block_does_not_wait_for_the_blocks_not_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Ctrl-C or SIGTERM while the rows are normalised: the blocks not yet started are
    # cancelled (Executor.map does), not run to the end before the run stops.
    monkeypatch.setattr(columns.os, "cpu_count", lambda: 2)
    ran: list[int] = []

    def slow(block: pd.DataFrame) -> pd.DataFrame:
        ran.append(len(block))
        if len(ran) == 3:
            raise KeyboardInterrupt
        time.sleep(0.01)
        return block

    with pytest.raises(KeyboardInterrupt):
        columns.in_blocks(slow, pd.DataFrame({"a": range(200)}), rows=1)
    time.sleep(0.2)  # (what was under way has finished)
    assert len(ran) < 10


def test_without_a_period_every_row_counts(tmp_path: Path) -> None:
    got = run_on(SAMPLES)
    assert got.totals.out_of_period == 0
    assert got.totals.balanced
    assert got.period.is_open


def test_period_from_to(write_csv: Callable[..., Path]) -> None:
    path = write_csv(
        "门户.csv",
        ["标题", "日期", "栏目"],
        [
            ["甲", "2018-05-31", "规划财务"],
            ["乙", "2018-06-01", "规划财务"],
            ["丙", "2018-06-30", ""],
        ],
    )
    from datetime import date

    got = run_on(path, period=Period(date(2018, 6, 1), date(2018, 6, 30)))
    assert (got.totals.out_of_period, got.totals.unique_items) == (1, 2)


def test_item_takes_category_by_priority_and_platform_counts(
    write_csv: Callable[..., Path],
) -> None:
    portal = write_csv(
        "门户.csv", ["标题", "日期", "栏目"], [["甲", "2018-03-01", "首页>工作动态"]]
    )
    yunshang = write_csv(
        "云上.csv", ["标题", "日期", "栏目"], [["【转】甲", "2018-03-02", "x/教育科研"]]
    )
    dachu = write_csv(
        "大楚.csv", ["标题", "日期", "栏目"], [["甲 - 孝感教育", "2018-03-03", "规划财务"]]
    )
    got = run_on(portal, yunshang, dachu)
    assert got.items[["title", "category", "platforms"]].values.tolist() == [
        ["甲", "教育科研", "portal,yunshang,dachu"]
    ]
    p = got.platforms.set_index("platform")
    assert p.loc[["portal", "toutiao"], ["rows", "items", "only_here"]].values.tolist() == [
        [1, 1, 0],
        [0, 0, 0],
    ]


def test_priority_is_configurable(write_csv: Callable[..., Path]) -> None:
    portal = write_csv("门户.csv", ["标题", "日期", "栏目"], [["甲", "2018-03-01", "规划财务"]])
    dachu = write_csv("大楚.csv", ["标题", "日期", "栏目"], [["甲", "2018-03-01", "教育科研"]])
    settings = settings_from_dict({"dedupe": {"priority": ["dachu", "portal"]}})
    assert run_on(portal, dachu, settings=settings).items["category"].tolist() == ["教育科研"]


def test_uncategorised_items_are_counted_and_warned(write_csv: Callable[..., Path]) -> None:
    path = write_csv(
        "门户.csv",
        ["标题", "日期", "栏目"],
        [
            ["甲", "2018-03-01", "首页>工作动态"],
            ["乙", "2018-03-01", "工作动态"],
            ["丙", "2018-03-01", ""],
        ],
    )
    got = run_on(path)
    last = got.categories.iloc[-1]
    assert (last["category"], pd.isna(last["group"]), last["count"]) == ("未分类", True, 3)
    assert got.categories["count"].sum() == got.totals.unique_items == 3
    assert got.warnings == (
        "有 3 条信息的栏目对应不到报告类别，计入「未分类」：「工作动态」2 行、「（无栏目）」1 行；"
        '可在配置文件的 [categories] 中把栏目名加为类别的别名，例如 "教育资助" = ["学生资助"]；'
        "「（无栏目）」是各个副本都没有栏目的信息（如只在今日头条发布的），别名帮不上；"
        "请核对这些导出是否带有栏目列",
    )
    only = write_csv("头条.csv", ["标题", "日期"], [["丁", "2018-03-01"]])
    assert run_on(only).warnings == (  # (nothing an alias could do)
        "有 1 条信息的栏目对应不到报告类别，计入「未分类」：「（无栏目）」1 行；"
        "「（无栏目）」是各个副本都没有栏目的信息（如只在今日头条发布的），别名帮不上；"
        "请核对这些导出是否带有栏目列",
    )


def test_aliases_from_config_categorise(write_csv: Callable[..., Path]) -> None:
    path = write_csv("门户.csv", ["标题", "日期", "栏目"], [["甲", "2018-03-01", "首页>学生资助"]])
    settings = settings_from_dict({"categories": {"教育资助": ["学生资助"]}})
    assert run_on(path, settings=settings).items["category"].tolist() == ["教育资助"]


def test_malformed_rows_are_rejected_and_accounted(write_csv: Callable[..., Path]) -> None:
    path = write_csv(
        "门户.csv",
        ["标题", "日期"],
        [
            ["甲", "2018-03-01"],
            ["乙", "2018-03-01", "多余"],
            ["", "2018-03-01"],
            ["丙", "2017-01-01"],
        ],
    )
    got = run_on(path, period=Period.year(2018))
    assert got.totals == Totals(4, 2, 1, 0, 1)
    assert got.rejects[["line", "reason"]].values.tolist() == [
        [3, "字段数为 3，与表头的 2 列不符"],
        [4, "标题为空"],
    ]
    assert got.rejects.loc[0, "raw"] == "乙,2018-03-01,多余"


def test_header_only_file_warns(write_csv: Callable[..., Path]) -> None:
    path = write_csv("门户.csv", ["标题", "日期"], [])
    got = run_on(path)
    assert got.totals == Totals(0, 0, 0, 0, 0)
    assert got.warnings == ("文件 " + got.files[0].file + " 只有表头，没有数据行",)


def test_every_file_is_placed_before_any_is_read(tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "今日头条_2018.csv", tmp_path / "头条.csv")
    (tmp_path / "unknown.csv").write_text("not,a,valid\nfile")
    with pytest.raises(InputError, match=r"无法确定文件 .*unknown\.csv 属于哪个平台"):
        run_on(tmp_path)


def test_a_period_with_nothing_in_it_says_where_the_dates_are(
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv("门户.csv", ["标题", "日期"], [["甲", "2017-03-01"], ["乙", "2017-11-30"]])
    got = run_on(path, period=Period.year(2018))
    assert got.totals == Totals(2, 0, 2, 0, 0)
    assert got.warnings == (
        "统计期内没有信息：读入的信息都在统计期外（发布日期从 2017-03-01 到 2017-11-30）；"
        "请检查统计期，或导出文件是否已更新到统计期",
    )


def test_every_pair_status_has_a_label() -> None:
    from xgedu_stats.items.merging import REVIEW, STATUSES
    from xgedu_stats.tables import PAIR_STATUS

    assert tuple(PAIR_STATUS) == STATUSES and set(REVIEW) <= set(STATUSES)
