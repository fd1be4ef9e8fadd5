"""Generate samples/2018: four platforms' exports of the 2018 report's items.

The unique items per category are exactly the figures of section 二.3 of the
孝感市教育局 2018 report (孝感教育新闻 1578 … 教育工会 26). Around them the exports
carry what real ones do: each platform's own headers, encoding and date format;
items cross-posted between platforms with decorated titles (【孝感教育】 prefixes,
site-name suffixes, full-width characters) and dates a day or two apart; two portal
exports that overlap by half a month; a repeated page in the 头条 export; a few
unreadable rows; and items from December 2017 and January 2019.

Deterministic (fixed seed); does not import xgedu_stats, so it is an independent
check of the tool. Run from the repository root: ``python scripts/make_samples.py``.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

SEED = 2018
OUT = Path(__file__).resolve().parent.parent / "samples" / "2018"

FIGURES = {
    "孝感教育新闻": ("重点工作", 1578),
    "信息公开栏目": ("重点工作", 232),
    "规划财务": ("业务工作", 28),
    "教育督导": ("业务工作", 32),
    "基础教育": ("业务工作", 26),
    "职成教育": ("业务工作", 33),
    "教育科研": ("业务工作", 132),
    "人事老干语委": ("业务工作", 32),
    "教育技术": ("业务工作", 50),
    "教育党建": ("业务工作", 28),
    "体育卫生": ("业务工作", 81),
    "招生考试": ("业务工作", 43),
    "行政审批": ("业务工作", 33),
    "教育资助": ("业务工作", 56),
    "安全后勤": ("业务工作", 28),
    "教育工会": ("业务工作", 26),
}

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
    "特殊教育学校",
    "外国语学校",
    "育才小学",
    "文昌中学",
    "楚澴学校",
]
NEWS = [
    "开展{t}主题教育活动",
    "举办{t}专题讲座",
    "召开{t}工作推进会",
    "顺利通过{t}验收",
    "组织开展{t}培训",
    "扎实推进{t}工作",
    "举行{t}启动仪式",
    "获评{t}先进单位",
    "开展{t}观摩交流",
    "迎接{t}专项检查",
]
TOPICS = [
    "校园安全",
    "师德师风",
    "课堂教学改革",
    "书香校园",
    "阳光体育",
    "文明校园",
    "智慧课堂",
    "劳动教育",
    "防溺水安全",
    "心理健康",
    "家校共育",
    "经典诵读",
    "教研教改",
    "扫黑除恶",
    "精准扶贫",
    "研学旅行",
    "垃圾分类",
    "消防演练",
    "国防教育",
    "法治教育",
]
BUSINESS = {
    "信息公开栏目": [
        "市教育局关于{p}{t}有关事项的公告",
        "{p}{t}信息公开",
        "关于公开{p}{t}情况的通知",
    ],
    "规划财务": ["{p}{t}项目资金预算公示", "关于{p}{t}经费使用情况的通报"],
    "教育督导": ["市政府教育督导室对{p}{t}开展专项督导", "{p}{t}督导评估反馈意见"],
    "基础教育": ["关于做好{p}{t}工作的通知", "{p}{t}工作方案"],
    "职成教育": ["{p}职业院校{t}技能大赛成绩公布", "关于{p}{t}职业培训的通知"],
    "教育科研": [
        "{p}{t}课题开题论证会召开",
        "关于公布{p}{t}优秀教研成果的通知",
        "{p}{t}优质课评选结果",
    ],
    "人事老干语委": [
        "{p}{t}教师招聘公告",
        "关于{p}{t}普通话水平测试的通知",
        "{p}{t}人员任职前公示",
    ],
    "教育技术": ["{p}{t}教育信息化应用培训", "关于{p}{t}网络学习空间建设的通知"],
    "教育党建": ["{p}{t}党支部主题党日活动", "关于{p}{t}党风廉政建设的通知"],
    "体育卫生": ["{p}{t}中小学生运动会开幕", "关于做好{p}{t}学校卫生防疫的通知"],
    "招生考试": ["{p}{t}招生工作实施方案", "关于{p}{t}考试报名的公告"],
    "行政审批": ["{p}{t}民办学校办学许可审批结果", "关于{p}{t}行政许可事项的公示"],
    "教育资助": ["{p}{t}学生资助资金发放公示", "关于{p}{t}家庭经济困难学生认定的通知"],
    "安全后勤": ["{p}{t}校园安全隐患排查", "关于{p}{t}食堂食品安全检查的通报"],
    "教育工会": ["{p}{t}教职工文体活动", "关于{p}{t}困难教职工帮扶的通知"],
}
BUSINESS_TOPICS = [
    "2018年度",
    "春季学期",
    "秋季学期",
    "第一季度",
    "第二季度",
    "第三季度",
    "第四季度",
    "上半年",
    "下半年",
    "寒假期间",
    "暑假期间",
    "开学前",
    "年终",
]
# A title that recurs every month is a different item each time (the window rule).
RECURRING = ("教育党建", "市教育局党组理论学习中心组集中学习", 10)

SITE_SUFFIXES = [" - 孝感教育", "_孝感市教育局", "—孝感教育信息网", " | 孝感教育"]
FULL_WIDTH = str.maketrans("0123456789,:()", "０１２３４５６７８９，：（）")


@dataclass
class Item:
    title: str
    category: str
    day: date
    # platform -> (date of the copy, channel shown on it)
    copies: dict[str, tuple[date, str]] = field(default_factory=dict)


def make_titles(rng: random.Random) -> list[tuple[str, str]]:
    """(category, title) for every in-period item; titles distinct after normalisation."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []

    def add(category: str, title: str) -> bool:
        key = "".join(ch for ch in title if ch.isalnum())
        if key in seen:
            return False
        seen.add(key)
        out.append((category, title))
        return True

    for category, (_, count) in FIGURES.items():
        made = 0
        if category == RECURRING[0]:
            out.extend((category, RECURRING[1]) for _ in range(RECURRING[2]))
            seen.add(RECURRING[1])
            made = RECURRING[2]
        while made < count:
            if category == "孝感教育新闻":
                title = (
                    rng.choice(PLACES)
                    + rng.choice(SCHOOLS)
                    + rng.choice(NEWS).format(t=rng.choice(TOPICS))
                )
            else:
                title = rng.choice(BUSINESS[category]).format(
                    p=rng.choice(PLACES), t=rng.choice(BUSINESS_TOPICS)
                )
            made += add(category, title)
    return out


def portal_channel(category: str) -> str:
    group = FIGURES[category][0]
    return f"首页 > {group} > {category}"


def yunshang_channel(category: str) -> str:
    return f"孝感市教育局/{category}"


def build_items(rng: random.Random) -> tuple[list[Item], list[Item]]:
    items: list[Item] = []
    titles = make_titles(rng)
    recurring_month = 0
    for category, title in titles:
        if title == RECURRING[1]:
            recurring_month += 1
            day = date(2018, recurring_month + 1, 10)
        else:
            day = date(2018, 1, 1) + timedelta(days=rng.randrange(365))
        items.append(Item(title, category, day))
    outside = []
    for i in range(40):
        base = date(2017, 11, 20) if i < 20 else date(2019, 1, 7)
        day = base + timedelta(days=rng.randrange(30))
        place, school = rng.choice(PLACES), rng.choice(SCHOOLS)
        title = f"{place}{school}{'冬季' if i < 20 else '寒假'}{rng.choice(TOPICS)}工作第{i + 1}次调度会"
        outside.append(Item(title, rng.choice(list(FIGURES)), day))

    for item in [*items, *outside]:
        news = item.category == "孝感教育新闻"

        def later(day: date = item.day) -> date:
            return day + timedelta(days=rng.choice([0, 0, 1, 1, 2]))

        if rng.random() < 0.85 or item.title == RECURRING[1]:
            item.copies["portal"] = (item.day, portal_channel(item.category))
            if rng.random() < (0.5 if news else 0.4):
                channel = yunshang_channel(item.category)
                if not news and rng.random() < 0.08:
                    channel = yunshang_channel("孝感教育新闻")  # portal's category wins
                item.copies["yunshang"] = (later(), channel)
            elif rng.random() < 0.03:
                # the portal copy sits in a channel of no category; 云上's copy decides
                item.copies["portal"] = (item.day, "首页 > 工作动态")
                item.copies["yunshang"] = (later(), yunshang_channel(item.category))
        else:
            item.copies["yunshang"] = (item.day, yunshang_channel(item.category))
        if rng.random() < (0.35 if news else 0.1):
            item.copies["dachu"] = (later(), "教育频道")
        if rng.random() < (0.45 if news else 0.15):
            item.copies["toutiao"] = (later(), "")
    return items, outside


def clock(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(8, 18), rng.randint(0, 59), rng.randint(0, 59)


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def main() -> None:
    rng = random.Random(SEED)
    items, outside = build_items(rng)
    every = sorted([*items, *outside], key=lambda it: (it.day, it.title))
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.csv"):
        old.unlink()

    # 门户网站: two GBK exports that overlap from 1 to 15 July, with a 序号 column.
    first: list[list[str]] = []
    second: list[list[str]] = []
    for n, item in enumerate((i for i in every if "portal" in i.copies), start=1):
        day, channel = item.copies["portal"]
        h, m, s = clock(rng)
        url = f"http://jyj.xiaogan.gov.cn/art/{day:%Y/%m%d}/art_{10000 + n}.html"
        views = str(rng.randint(30, 3000))
        if day <= date(2018, 7, 15):
            stamp = datetime(day.year, day.month, day.day, h, m, s)
            first.append(
                [str(len(first) + 1), item.title, channel, f"{stamp:%Y-%m-%d %H:%M:%S}", url, views]
            )
        if day >= date(2018, 7, 1):
            stamp_text = f"{day.year}.{day.month}.{day.day}"
            second.append([str(len(second) + 1), item.title, channel, stamp_text, url, views])
    first.insert(
        40, [str(41), "", "首页 > 重点工作 > 孝感教育新闻", "2018-02-11 09:00:00", "", "12"]
    )
    first.insert(90, [str(91), "   ", "首页 > 业务工作 > 规划财务", "2018-03-02 10:00:00", "", "8"])
    second.insert(
        60, [str(61), "关于暑期安全工作的提醒", "首页 > 业务工作 > 安全后勤", "2018-13-01", "", "5"]
    )
    header = ["序号", "标题", "栏目", "发布时间", "链接", "点击量"]
    write_csv(OUT / "门户网站_2018上半年.csv", header, first, "gbk")
    write_csv(OUT / "门户网站_2018下半年.csv", header, second, "gbk")

    # 云上孝感: UTF-8 with BOM, 2018/3/5 dates, full-width digits and punctuation on some titles.
    rows = []
    for item in (i for i in every if "yunshang" in i.copies):
        day, channel = item.copies["yunshang"]
        title = item.title.translate(FULL_WIDTH) if rng.random() < 0.3 else item.title
        if rng.random() < 0.1:
            title = title.replace("关于", "关于 ", 1)
        rows.append(
            [title, channel, f"{day.year}/{day.month}/{day.day}", "", str(rng.randint(10, 900))]
        )
    rows.insert(
        25, ["孝感市教育局召开全市教育工作会议", "孝感市教育局/孝感教育新闻", "待定", "", ""]
    )
    write_csv(
        OUT / "云上孝感_2018.csv",
        ["文章标题", "所属栏目", "发布日期", "原文链接", "浏览量"],
        rows,
        "utf-8-sig",
    )

    # 腾讯大楚网: UTF-8, 2018年3月5日, a site name after the title.
    rows = []
    for item in (i for i in every if "dachu" in i.copies):
        day, channel = item.copies["dachu"]
        suffix = rng.choice(SITE_SUFFIXES) if rng.random() < 0.6 else ""
        rows.append(
            [
                item.title + suffix,
                channel,
                f"{day.year}年{day.month}月{day.day}日",
                "",
                str(rng.randint(100, 20000)),
            ]
        )
    rows.insert(10, ["——", "教育频道", "2018年5月4日", "", "0"])
    write_csv(
        OUT / "腾讯大楚网_2018.csv", ["新闻标题", "频道", "日期", "网址", "阅读数"], rows, "utf-8"
    )

    # 今日头条: UTF-8 CSV of the article list, 【孝感教育】 prefixes, a page exported twice.
    rows = []
    for item in (i for i in every if "toutiao" in i.copies):
        day, _ = item.copies["toutiao"]
        h, m, _s = clock(rng)
        title = f"【孝感教育】{item.title}" if rng.random() < 0.4 else item.title
        shows = rng.randint(500, 200000)
        reads = rng.randint(50, max(60, shows // 10))
        article_id = str(6500000000000000000 + rng.randrange(10**17))
        rows.append(
            [
                title,
                article_id,
                f"https://www.toutiao.com/i{article_id}/",
                f"{day:%Y-%m-%d} {h:02d}:{m:02d}",
                f"{shows:,}",
                str(shows // 3),
                f"{reads:,}",
                str(reads // 3),
                f"{reads / shows:.4f}",
                f"{rng.uniform(0.2, 0.9):.2f}",
                str(rng.randint(10, 200)),
                str(rng.randint(0, 300)),
                str(rng.randint(0, 50)),
                str(rng.randint(0, 80)),
                str(rng.randint(0, 80)),
                str(rng.randint(0, 40)),
            ]
        )
    rows[300:300] = rows[280:300]  # the same page of the list exported twice
    rows.insert(
        5,
        [
            "孝感市教育局关于做好元旦期间安全工作的通知",
            "",
            "",
            "",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
        ],
    )
    header = [
        "标题",
        "ID",
        "链接",
        "发布时间",
        "展现量",
        "粉丝展现量",
        "阅读量",
        "粉丝阅读量",
        "点击率",
        "平均阅读完成率",
        "平均阅读时长",
        "点赞量",
        "评论量",
        "转发量",
        "分享量",
        "收藏量",
    ]
    write_csv(OUT / "今日头条_2018.csv", header, rows, "utf-8")


if __name__ == "__main__":
    main()
