"""Generate a benchmark data set: four platforms' CSV exports with N rows in all.

About 30% of the rows are copies of an item on another platform (with the decorations
real copies carry: 【孝感教育】 prefixes, site-name suffixes, full-width digits, a day
later), 2% are rows repeated inside an export, the rest are distinct items. At 1,000,000
rows the four files hold about 150 MB. Deterministic (fixed seed).

    python benchmarks/make_data.py --rows 1000000 --out /tmp/bench
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd

from xgedu_stats.config import DEFAULT_GROUPS

PLATFORMS = {
    # file name, header, encoding, date format
    "portal": (
        "门户网站.csv",
        ["标题", "栏目", "发布时间", "链接", "点击量"],
        "utf-8",
        "%Y-%m-%d %H:%M:%S",
    ),
    "yunshang": (
        "云上孝感.csv",
        ["文章标题", "所属栏目", "发布日期", "原文链接", "浏览量"],
        "utf-8-sig",
        "%Y/%m/%d",
    ),
    "dachu": (
        "腾讯大楚网.csv",
        ["新闻标题", "频道", "日期", "网址", "阅读数"],
        "utf-8",
        "%Y年%m月%d日",
    ),
    "toutiao": (
        "今日头条.csv",
        ["标题", "所属栏目", "发布时间", "链接", "阅读量"],
        "utf-8",
        "%Y-%m-%d %H:%M",
    ),
}
CATEGORIES = [name for _, names in DEFAULT_GROUPS for name in names]
PLACES = [
    "孝南区",
    "汉川市",
    "应城市",
    "安陆市",
    "云梦县",
    "大悟县",
    "孝昌县",
    "孝感高新区",
    "临空经济区",
]
SCHOOLS = [
    "实验小学",
    "第一中学",
    "第二中学",
    "高级中学",
    "城区中心小学",
    "实验幼儿园",
    "职业技术学校",
    "育才小学",
]
ACTS = [
    "开展校园安全主题教育活动",
    "召开教学工作推进会",
    "举办师德师风专题讲座",
    "组织防溺水安全培训",
    "迎接教育督导专项检查",
    # (document types: a notice, a list, a normative document with its 文号)
    "发布关于做好秋季开学工作的通知",
    "公布优秀教师拟表彰人员名单",
    "印发学籍管理办法的通知（孝教发〔2018〕3号）",
]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def make(rows: int, out: Path, seed: int = 2018, quote_all: bool = False) -> dict[str, int]:
    rng = np.random.default_rng(seed)
    repeats = int(rows * 0.02)
    copies = int(rows * 0.30)
    items = rows - repeats - copies
    ids = np.arange(items)
    titles = (
        pd.Series(np.array(PLACES)[rng.integers(0, len(PLACES), items)])
        + pd.Series(np.array(SCHOOLS)[rng.integers(0, len(SCHOOLS), items)])
        + pd.Series(np.array(ACTS)[rng.integers(0, len(ACTS), items)])
        + "（第"
        + pd.Series(ids).astype(str)
        + "期）"
    )
    day0 = np.datetime64("2018-01-01")
    days = day0 + rng.integers(0, 365, items).astype("timedelta64[D]")
    home = rng.choice(list(PLATFORMS), items, p=[0.55, 0.2, 0.1, 0.15])
    category = np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), items)]
    base = pd.DataFrame(
        {"item": ids, "title": titles, "day": days, "platform": home, "category": category}
    )

    # copies on another platform, a day or two later, decorated
    src = base.sample(copies, replace=True, random_state=seed).reset_index(drop=True)
    other = rng.integers(1, 4, copies)
    keys = np.array(list(PLATFORMS))
    src["platform"] = keys[(np.searchsorted(keys, src["platform"]) + other) % 4]
    src["day"] = src["day"] + rng.integers(0, 3, copies).astype("timedelta64[D]")
    deco = rng.integers(0, 4, copies)
    t = src["title"]
    t = t.where(deco != 1, "【孝感教育】" + t)
    t = t.where(deco != 2, t + " - 孝感教育")
    t = t.where(deco != 3, t.str.translate(FULL_WIDTH))
    src["title"] = t
    frame = pd.concat([base, src], ignore_index=True)
    frame = pd.concat([frame, frame.sample(repeats, random_state=seed + 1)], ignore_index=True)
    frame = frame.sample(frac=1.0, random_state=seed + 2).reset_index(drop=True)

    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for key, (name, header, encoding, fmt) in PLATFORMS.items():
        part = frame[frame["platform"] == key]
        seconds = rng.integers(8 * 3600, 18 * 3600, len(part)).astype("timedelta64[s]")
        stamp = (part["day"].to_numpy() + seconds).astype("datetime64[s]")
        table = pd.DataFrame(
            {
                header[0]: part["title"].to_numpy(),
                header[1]: "首页>业务工作>" + part["category"].to_numpy(),
                header[2]: pd.Series(stamp).dt.strftime(fmt).to_numpy(),
                header[3]: "http://jyj.xiaogan.gov.cn/art/"
                + part["item"].astype(str).to_numpy()
                + ".html",
                header[4]: rng.integers(10, 100000, len(part)),
            }
        )
        quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
        table.to_csv(out / name, index=False, encoding=encoding, quoting=quoting)
        counts[key] = len(table)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/xgedu-bench"))
    parser.add_argument(
        "--quote-all", action="store_true", help="quote every field, as many exporters do"
    )
    args = parser.parse_args()
    counts = make(args.rows, args.out, quote_all=args.quote_all)
    # what the tool must find: every copy and repeat merged, every item counted once
    expected = {
        "rows_read": args.rows,
        "unique_items": args.rows - int(args.rows * 0.02) - int(args.rows * 0.30),
    }
    (args.out / "expected.json").write_text(json.dumps(expected), encoding="utf-8")
    size = sum(p.stat().st_size for p in args.out.glob("*.csv"))
    print(
        f"{sum(counts.values())} rows in {len(counts)} files, {size / 1e6:.0f} MB under {args.out}"
    )


if __name__ == "__main__":
    main()
