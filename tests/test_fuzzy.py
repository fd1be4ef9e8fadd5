"""Near-duplicates: the rules, measured quality on a labelled set, and decisions that override."""

from __future__ import annotations

import csv
import io
import random
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import csv_bytes
from labelled_titles import labelled_rows

from xgedu_stats.cli import cli
from xgedu_stats.config import RunConfig, settings_from_dict
from xgedu_stats.items.fuzzy import allowed, candidate_arrays, cn_numbers, comparable
from xgedu_stats.pipeline import Result, pairs, run
from xgedu_stats.read.decisions import COLUMNS

# Floors for the labelled set at the default threshold (measured: see the README).
PRECISION_FLOOR = 0.99
RECALL_FLOOR = 0.98


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("二〇一八年", "2018年"),
        ("第十二期", "第12期"),
        ("第十期", "第10期"),
        ("二十一日", "21日"),
        ("一百零五", "105"),
        ("第一中学", "第1中学"),
        ("没有数字", "没有数字"),
    ],
)
def test_cn_numbers(text: str, digits: str) -> None:
    assert cn_numbers(text) == digits


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        (
            "关于孝南区实验小学召开安全工作会议",
            "孝南区实验小学召开安全工作会议",
            True,
        ),  # word dropped
        (
            "孝南区实验小学开展防溺水专项检查",
            "孝南区实验小学顺利开展防溺水专项检查",
            True,
        ),  # word added
        ("孝南区实验小学召开2018年安全工作会议", "孝南区实验小学召开二〇一八年安全工作会议", True),
        (
            "孝南区实验小学组织教师参加心理健康培训会",
            "孝南区实验小学组织教师参加心理健康倍训会",
            True,
        ),  # typo
        ("孝南区实验小学召开安全会议", "孝南区育才小学召开安全会议", False),  # another school
        ("孝南区实验小学召开安全会议", "汉川市实验小学召开安全会议", False),  # another place
        ("举行第3期读书分享会活动安排", "举行第4期读书分享会活动安排", False),  # another issue
        ("孝南区实验小学召开2018年安全工作会议", "孝南区实验小学召开2019年安全工作会议", False),
        ("孝昌县寒假期间优质课评选结果的公示", "孝昌县暑假期间优质课评选结果的公示", False),
        ("孝南区年终招生工作实施方案", "孝南区下半年招生工作实施方案", False),  # terms swapped
        ("孝南区实验小学开展劳动教育实践活动总结", "孝南区实验中学开展劳动教育实践活动总结", False),
        ("关于召开会议", "召开会议的通知", False),  # a word dropped and another added
    ],
)
def test_allowed(a: str, b: str, ok: bool) -> None:
    assert allowed(comparable(a), comparable(b)) is ok


@pytest.mark.parametrize("at_once", [1_000_000, 50, 1])  # pairs scored at once
def test_candidates_equal_brute_force_within_the_window(
    at_once: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rapidfuzz import fuzz

    from xgedu_stats.items import fuzzy

    monkeypatch.setattr(fuzzy, "PAIRS_AT_ONCE", at_once)
    rng = random.Random(3)
    keys = ["".join(rng.choice("甲乙丙丁戊己") for _ in range(6)) for _ in range(300)]
    days = np.array([rng.randrange(20) for _ in keys])
    classes = np.array([rng.randrange(2) for _ in keys])
    masks = np.array([1 << rng.randrange(3) for _ in keys])
    found = candidate_arrays(keys, days, 3, 70, classes, masks)
    got = {(min(x, y), max(x, y)) for x, y in zip(found.a.tolist(), found.b.tolist(), strict=True)}
    want = {
        (i, j)
        for i, j in combinations(range(len(keys)), 2)
        if abs(days[i] - days[j]) <= 3
        and fuzz.ratio(keys[i], keys[j]) >= 70
        and classes[i] == classes[j]
        and not masks[i] & masks[j]
    }
    assert got == want
    assert found.crowded_days == ()


def test_a_crowded_day_is_not_compared_and_said(monkeypatch: pytest.MonkeyPatch) -> None:
    from xgedu_stats.items import fuzzy

    monkeypatch.setattr(fuzzy, "DAY_PAIRS_LIMIT", 5)
    keys = [f"孝南区实验小学召开安全工作会议{c}" for c in "甲乙丙丁戊己"] + [
        "汉川市育才小学开学典礼"
    ]
    days = np.array([10] * 6 + [30])
    found = candidate_arrays(keys, days, 3, 70)
    assert (len(found.a), found.crowded_days) == (0, (10,))


def test_titles_differing_only_in_a_number_on_one_day_stay_bounded(tmp_path: Path) -> None:
    """Issue 9: 8,000 such rows took 2.1 GiB (one score matrix for the whole day)."""
    from conftest import run_limited

    (tmp_path / "门户.csv").write_bytes(
        csv_bytes(
            ["标题", "发布时间", "链接"],
            [
                [f"孝南区实验小学第{i}期安全工作简报", "2018-03-01", f"http://a.cn/{i}"]
                for i in range(3000)
            ],
        )
    )
    (tmp_path / "头条.csv").write_bytes(
        csv_bytes(
            ["标题", "发布时间"],
            [[f"孝南区实验小学第{i}期安全工作简报（转载）", "2018-03-02"] for i in range(3000)],
        )
    )
    done = run_limited(["aggregate", ".", "--fuzzy", "-f", "json", "-q"], tmp_path, memory_mib=1024)
    assert done.returncode == 0, done.stderr
    assert '"unique_items": 3000' in done.stdout


def write_exports(root: Path, rows: list) -> list[Path]:
    by_platform: dict[str, list] = {}
    for title, day, _, platform in rows:
        by_platform.setdefault(platform, []).append([title, day.isoformat(), "孝感教育新闻"])
    paths = []
    for platform, body in by_platform.items():
        path = root / f"{platform}.csv"
        path.write_bytes(csv_bytes(["标题", "发布时间", "栏目"], body))
        paths.append(path)
    return paths


def run_rows(root: Path, rows: list, **dedupe: object) -> Result:
    settings = settings_from_dict({"dedupe": dedupe})
    return run(RunConfig(tuple(write_exports(root, rows)), settings))


def pair_quality(result: Result, rows: list) -> tuple[float, float]:
    """Precision and recall of 'these two rows are one item', over all pairs of rows."""
    truth: dict[tuple[str, str, str], int] = {}
    for title, day, item, platform in rows:
        truth[(platform, title, day.isoformat())] = item
    got = result.rows.assign(day=result.rows["date"].dt.strftime("%Y-%m-%d"))
    true_ids = [truth[(p, t, d)] for p, t, d in got[["platform", "title", "day"]].values]
    pred_ids = got["item_id"].tolist()

    def same_pairs(ids: list[int]) -> set[tuple[int, int]]:
        groups: dict[int, list[int]] = {}
        for i, g in enumerate(ids):
            groups.setdefault(g, []).append(i)
        return {p for members in groups.values() for p in combinations(members, 2)}

    t, p = same_pairs(true_ids), same_pairs(pred_ids)
    return len(t & p) / max(1, len(p)), len(t & p) / max(1, len(t))


def test_quality_on_the_labelled_set(tmp_path: Path) -> None:
    rows = labelled_rows(3000, seed=11)
    exact = run_rows(tmp_path, rows)
    fuzzy = run_rows(tmp_path, rows, fuzzy=True)
    exact_precision, exact_recall = pair_quality(exact, rows)
    precision, recall = pair_quality(fuzzy, rows)
    assert exact_precision == 1.0
    assert precision >= PRECISION_FLOOR
    assert recall >= RECALL_FLOOR
    assert recall > exact_recall + 0.2  # fuzzy finds what exact matching cannot


def test_numbers_and_names_are_never_ignored(tmp_path: Path) -> None:
    rows = [
        ("孝南区实验小学举行第3期书香校园读书分享会", _d(5), 0, "portal"),
        ("孝南区实验小学举行第4期书香校园读书分享会", _d(5), 1, "toutiao"),
        ("孝南区实验小学召开2018年安全工作会议", _d(6), 2, "portal"),
        ("孝南区育才小学召开2018年安全工作会议", _d(6), 3, "toutiao"),
        ("关于孝南区实验小学召开二〇一八年安全工作会议", _d(7), 2, "toutiao"),
    ]
    result = run_rows(tmp_path, rows, fuzzy=True)
    assert result.totals.unique_items == 4
    assert pair_quality(result, rows) == (1.0, 1.0)


def test_five_thousand_items_with_ten_percent_edited(tmp_path: Path) -> None:
    """As a new user: two exports of the same 5,000 items, 10% of titles lightly edited."""
    rows = [r for r in labelled_rows(5000, seed=5, edited=0.1)]
    items = len({r[2] for r in rows})
    result = run_rows(tmp_path, rows, fuzzy=True)
    assert abs(result.totals.unique_items - items) <= items * 0.01
    listed = pairs(result)
    merged = listed[listed["status"].isin(["exact", "merged"])]
    # every merge is listed: each duplicate row appears in a listed pair
    assert len(merged) >= result.totals.duplicates


def _d(day: int):
    from datetime import date

    return date(2018, 3, day)


# --- decisions ---------------------------------------------------------------------------------


def decisions_file(path: Path, lines: list[list[str]]) -> Path:
    header = COLUMNS
    path.write_bytes(csv_bytes(header, lines, "utf-8-sig"))
    return path


def test_decisions_override_both_ways(tmp_path: Path) -> None:
    rows = [
        ("孝南区实验小学召开安全工作会议", _d(5), 0, "portal"),
        ("孝南区实验小学召开安全工作会议", _d(6), 1, "toutiao"),  # same title: exact would merge
        ("汉川市育才小学开展劳动教育", _d(5), 2, "portal"),
        ("汉川市育才小学劳动教育周启动", _d(5), 2, "toutiao"),  # another title: matcher would not
    ]
    assert run_rows(tmp_path, rows).totals.unique_items == 3
    decided = decisions_file(
        tmp_path / "d.csv",
        [
            [
                "portal",
                "",
                "孝南区实验小学召开安全工作会议",
                "2018-03-05",
                "toutiao",
                "",
                "孝南区实验小学召开安全工作会议",
                "2018-03-06",
                "100",
                "不同",
            ],
            [
                "portal",
                "",
                "汉川市育才小学开展劳动教育",
                "2018-03-05",
                "toutiao",
                "",
                "汉川市育才小学劳动教育周启动",
                "2018-03-05",
                "60",
                "same",
            ],
            [
                "portal",
                "",
                "不在数据中",
                "2018-03-05",
                "toutiao",
                "",
                "也不在",
                "2018-03-05",
                "",
                "same",
            ],
            [
                "portal",
                "",
                "孝南区实验小学召开安全工作会议",
                "2018-03-05",
                "toutiao",
                "",
                "x",
                "2018-03-05",
                "",
                "",
            ],
        ],
    )
    result = run_rows(tmp_path, rows, decisions=str(decided), fuzzy=True)
    assert pair_quality(result, rows) == (1.0, 1.0)
    assert result.totals.unique_items == 3
    assert result.warnings == (
        "人工判定文件中有 1 行所指的信息不在本次读入的数据中，已忽略（第 4 行）",
    )


def test_duplicates_command_lists_and_writes_decisions(tmp_path: Path) -> None:
    rows = labelled_rows(400, seed=2)
    root = tmp_path / "data"
    root.mkdir()
    write_exports(root, rows)
    runner = CliRunner()
    listing = runner.invoke(cli, ["duplicates", str(root), "--fuzzy", "-f", "csv", "-q"])
    assert listing.exit_code == 0, listing.output
    table = list(csv.reader(io.StringIO(listing.stdout)))
    assert table[0][:3] == ["结果", "相似度", "条目1"]
    assert {r[0] for r in table[1:]} >= {"标题归一后相同", "相似，已合并"}
    out = tmp_path / "decide.csv"
    written = runner.invoke(
        cli, ["duplicates", str(root), "--fuzzy", "--write-decisions", str(out)]
    )
    assert written.exit_code == 0, written.output
    sheet = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert sheet.pop(0)[0].startswith("# xgedu-stats ")  # the marker line (tests/test_own_files.py)
    assert sheet[0] == [
        "平台1",
        "链接1",
        "标题1",
        "日期1",
        "平台2",
        "链接2",
        "标题2",
        "日期2",
        "相似度",
        "判断",
    ]
    assert all(r[-1] == "" for r in sheet[1:])
    doubtful = runner.invoke(
        cli, ["duplicates", str(root), "--fuzzy", "--doubtful", "-f", "csv", "-q"]
    )
    assert len(list(csv.reader(io.StringIO(doubtful.stdout)))) - 1 == len(sheet) - 1


def test_decisions_follow_items_when_a_split_renumbers_them(tmp_path: Path) -> None:
    rows = [
        ("市教育局召开全市教育工作会议", _d(1), 0, "portal"),
        ("市教育局召开全市教育工作会议", _d(2), 1, "toutiao"),  # declared different: a split
        ("孝南区开展校园安全大检查", _d(5), 2, "portal"),
        ("孝南区校园安全检查启动", _d(5), 2, "toutiao"),  # declared the same
    ]
    decided = decisions_file(
        tmp_path / "d.csv",
        [
            [
                "portal",
                "",
                "市教育局召开全市教育工作会议",
                "2018-03-01",
                "toutiao",
                "",
                "市教育局召开全市教育工作会议",
                "2018-03-02",
                "",
                "不同",
            ],
            [
                "portal",
                "",
                "孝南区开展校园安全大检查",
                "2018-03-05",
                "toutiao",
                "",
                "孝南区校园安全检查启动",
                "2018-03-05",
                "",
                "相同",
            ],
        ],
    )
    result = run_rows(tmp_path, rows, decisions=str(decided))
    assert pair_quality(result, rows) == (1.0, 1.0)
    assert result.items["item_id"].tolist() == [1, 2, 3]


def _portal_decisions(tmp_path: Path, lines: list[list[str]]) -> Path:
    return decisions_file(tmp_path / "d.csv", lines)


def test_a_same_decision_joins_two_documents_of_one_platform(tmp_path: Path) -> None:
    """A clerk may say two links are one document: decisions override the rule both ways."""
    export = tmp_path / "门户.csv"
    export.write_bytes(
        csv_bytes(
            ["标题", "发布时间", "链接"],
            [
                ["甲", "2018-03-01", "http://a.cn/1.html"],
                ["甲", "2018-03-01", "http://a.cn/2.html"],
            ],
        )
    )
    line = [
        "portal",
        "http://a.cn/1.html",
        "",
        "",
        "portal",
        "http://a.cn/2.html",
        "",
        "",
        "",
        "相同",
    ]
    decided = _portal_decisions(tmp_path, [line])
    settings = settings_from_dict({"dedupe": {"decisions": str(decided)}})
    assert run(RunConfig((export,), settings)).totals.unique_items == 1


def test_a_different_decision_cannot_split_one_document(tmp_path: Path) -> None:
    export = tmp_path / "门户.csv"
    export.write_bytes(
        csv_bytes(
            ["标题", "发布时间", "链接"],
            [
                ["甲", "2018-03-01", "http://a.cn/1.html"],
                ["甲", "2018-03-01", "http://a.cn/1.html"],
            ],
        )
    )
    line = [
        "portal",
        "http://a.cn/1.html",
        "",
        "",
        "portal",
        "http://a.cn/1.html",
        "",
        "",
        "",
        "不同",
    ]
    decided = _portal_decisions(tmp_path, [line])
    settings = settings_from_dict({"dedupe": {"decisions": str(decided)}})
    result = run(RunConfig((export,), settings))
    assert result.totals.unique_items == 1
    assert result.warnings[0] == (
        "人工判定文件第 2 行判为不同的两行是同一平台上的同一篇"
        "（链接相同，或没有链接而标题和日期相同），无法分开"
    )


def test_unmatched_decisions_are_one_warning_line(tmp_path: Path) -> None:
    export = tmp_path / "门户.csv"
    export.write_bytes(csv_bytes(["标题", "发布时间"], [["甲", "2018-03-01"]]))
    lines = [
        ["portal", f"http://a.cn/{i}.html", "", "", "toutiao", "", "乙", "2018-03-01", "", "相同"]
        for i in range(12)
    ]
    decided = _portal_decisions(tmp_path, lines)
    settings = settings_from_dict({"dedupe": {"decisions": str(decided)}})
    result = run(RunConfig((export,), settings))
    assert result.warnings[0] == (
        "人工判定文件中有 12 行所指的信息不在本次读入的数据中，已忽略"
        "（第 2、3、4、5、6、7、8、9、10、11 行等）"
    )


def test_a_crowded_day_is_one_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xgedu_stats.items import fuzzy

    monkeypatch.setattr(fuzzy, "DAY_PAIRS_LIMIT", 2)
    rows = [
        (f"孝南区实验小学召开安全工作会议{c}", _d(5), i, "portal") for i, c in enumerate("甲乙丙")
    ]
    rows += [
        (f"孝南区实验小学召开安全工作会议{c}", _d(5), 3 + i, "toutiao")
        for i, c in enumerate("丁戊")
    ]
    result = run_rows(tmp_path, rows, fuzzy=True)
    assert result.totals.unique_items == 5
    assert (
        "2018-03-05 发布的标题中相似的太多（一天要比较的配对超过 2 对，或相似的配对超过 20,000 对），"
        "这些天没有做相似比较；"
        "标题相同的副本照常合并"
    ) in result.warnings


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/dev/zero", "人工判定文件 /dev/zero 不是普通文件（而是设备、管道等）；"),
        ("/", "人工判定文件 / 是一个文件夹；"),
        ("fifo", "不是普通文件（而是设备、管道等）；"),
        ("missing.csv", "找不到人工判定文件："),
    ],
)
def test_a_decisions_file_that_is_no_file_is_one_clear_line(
    tmp_path: Path, target: str, message: str
) -> None:
    """Issue 9: /dev/zero was read without limit, a FIFO blocked forever, / was an internal error."""
    import os

    from xgedu_stats.errors import ConfigError

    if target == "fifo":
        target = str(tmp_path / "判定.csv")
        os.mkfifo(target)
    elif target == "missing.csv":
        target = str(tmp_path / target)
    export = tmp_path / "门户.csv"
    export.write_bytes(csv_bytes(["标题", "发布时间"], [["甲", "2018-03-01"]]))
    settings = settings_from_dict({"dedupe": {"decisions": target}})
    with pytest.raises(ConfigError) as exc:
        run(RunConfig((export,), settings))
    assert message in str(exc.value)
    if target.endswith("missing.csv"):
        assert str(exc.value).endswith("（配置 [dedupe] decisions）")


def test_a_decisions_file_over_the_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xgedu_stats.errors import ConfigError
    from xgedu_stats.read import decisions

    monkeypatch.setattr(decisions, "MAX_DECISIONS_BYTES", 100)
    decided = decisions_file(
        tmp_path / "d.csv", [["portal", "", "甲" * 50, "", "", "", "", "", "", ""]]
    )
    with pytest.raises(ConfigError) as exc:
        decisions.load(decided)
    assert str(exc.value) == (
        f"人工判定文件 {decided} 超过 0 KiB（MAX_DECISIONS_BYTES），不像是人工判定文件；"
        "请检查配置 [dedupe] decisions"
    )


def test_thousands_of_decisions_are_each_applied(tmp_path: Path) -> None:
    """Issue 9: 8,000 decision lines took 18.5 s (a scan of every row for each line); now
    they are matched in one pass (a few seconds for this test, mostly reading)."""
    rows = [[f"第{i}期工作简报", "2018-03-01", f"http://a.cn/{i}.html"] for i in range(8000)]
    (tmp_path / "门户.csv").write_bytes(csv_bytes(["标题", "发布时间", "链接"], rows))
    copies = [[f"第{i}期工作简报（转）", "2018-03-02"] for i in range(8000)]
    (tmp_path / "头条.csv").write_bytes(csv_bytes(["标题", "发布时间"], copies))
    lines = [
        [
            "portal",
            f"http://a.cn/{i}.html",
            "",
            "",
            "toutiao",
            "",
            f"第{i}期工作简报（转）",
            "2018-03-02",
            "",
            "相同",
        ]
        for i in range(8000)
    ]
    (tmp_path / "判定").mkdir()
    decided = decisions_file(tmp_path / "判定" / "d.csv", lines)
    settings = settings_from_dict({"dedupe": {"decisions": str(decided)}})
    result = run(RunConfig((tmp_path / "门户.csv", tmp_path / "头条.csv"), settings))
    assert result.totals.unique_items == 8000  # every pair joined by its decision
    assert not any("决定" in w for w in result.warnings)


def test_a_decisions_file_may_name_platforms_as_a_clerk_does_and_be_gbk(tmp_path: Path) -> None:
    """Issue 8 trial: 门户网站 / 今日头条 in the 平台 columns were silently ignored, and
    Excel's plain CSV (GBK on a Chinese Windows) was refused."""
    (tmp_path / "门户.csv").write_bytes(
        csv_bytes(["标题", "发布时间", "链接"], [["甲", "2018-03-01", "http://a.cn/1.html"]])
    )
    (tmp_path / "头条.csv").write_bytes(csv_bytes(["标题", "发布时间"], [["甲转", "2018-03-01"]]))
    lines = [
        [
            "门户网站",
            "http://a.cn/1.html",
            "",
            "",
            "今日头条",
            "",
            "甲转",
            "2018-03-01",
            "",
            "相同",
        ],
        ["门户", "", "乙", "2018-03-01", "微信", "", "乙", "2018-03-01", "", "相同"],
    ]
    decided = tmp_path / "判定" / "d.csv"
    decided.parent.mkdir()
    header = COLUMNS
    decided.write_bytes(csv_bytes(header, lines, "gbk"))
    settings = settings_from_dict({"dedupe": {"decisions": str(decided)}})
    result = run(RunConfig((tmp_path / "门户.csv", tmp_path / "头条.csv"), settings))
    assert result.totals.unique_items == 1
    assert (
        "人工判定文件中有 1 行的平台对不上任何平台，已忽略：第 3 行「微信」；平台可写代码或名称："
        "portal（孝感市教育局门户网站）、yunshang（云上孝感）、dachu（腾讯大楚网）、toutiao（今日头条）"
    ) in result.warnings


def test_the_listing_shows_decisions_by_the_rows_they_name(tmp_path: Path) -> None:
    """Issue 8 trial: a 相同 decision was listed as portal↔portal with similarity 100 next to
    a stale 接近，未合并 line, and 不同 decisions were not listed at all."""
    rows = [
        ("孝南区实验小学召开安全工作会议", _d(5), 0, "portal"),
        ("孝南区实验小学召开安全工作会议", _d(6), 0, "toutiao"),  # exact copy of the portal row
        ("孝南区实验小学召开会议", _d(6), 1, "yunshang"),  # near (84.6): a clerk says 相同
        ("汉川市育才小学开展劳动教育", _d(5), 2, "portal"),
        ("汉川市育才小学开展劳动教育", _d(5), 3, "toutiao"),  # same title: a clerk says 不同
    ]
    decided = decisions_file(
        tmp_path / "d.csv",
        [
            [
                "toutiao",
                "",
                "孝南区实验小学召开安全工作会议",
                "2018-03-06",
                "yunshang",
                "",
                "孝南区实验小学召开会议",
                "2018-03-06",
                "",
                "相同",
            ],
            [
                "portal",
                "",
                "汉川市育才小学开展劳动教育",
                "2018-03-05",
                "toutiao",
                "",
                "汉川市育才小学开展劳动教育",
                "2018-03-05",
                "",
                "不同",
            ],
        ],
    )
    result = run_rows(tmp_path, rows, decisions=str(decided), fuzzy=True)
    listed = pairs(result)
    decisions = listed[listed["status"].isin(["same", "different"])]
    assert decisions[["status", "platform_1", "platform_2"]].values.tolist() == [
        ["same", "toutiao", "yunshang"],
        ["different", "portal", "toutiao"],
    ]
    assert decisions["score"].tolist()[0] < 100  # the titles' own similarity
    same_items = listed.loc[listed["status"] == "same", ["item_1", "item_2"]].values.tolist()[0]
    assert same_items[0] == same_items[1]
    # no stale near miss between rows a decision joined
    assert "below" not in set(listed["status"])
