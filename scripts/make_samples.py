"""Generate samples/2018: four platforms' exports of the 2018 report's items, a mailbox's
letters and the portal's traffic.

The unique items per category are exactly the figures of section 二.3 of the
孝感市教育局 2018 report (孝感教育新闻 1578 … 教育工会 26). Around them the exports
carry what real ones do: each platform's own headers, encoding and date format;
items cross-posted between platforms with decorated titles (【孝感教育】 prefixes,
site-name suffixes, full-width characters) and dates a day or two apart; two portal
exports that overlap by half a month; a repeated page in the 头条 export; a few
unreadable rows; and items from December 2017 and January 2019.

The portal's exports also carry a 文种 and a 图片数 column, so that the items of the four
named document types add up to 745 (the report's 740 余篇) and their pictures to 104 (100 余幅).
Beside them: two overlapping exports of the 局长信箱 (xlsx) with the report's 259 letters, all
answered on time, across the Spring Festival and National Day; and the portal's daily traffic
since its relaunch on 2015-09-01, past 500,000 page views by the end of 2018.

Deterministic (fixed seeds; what was added later draws from its own generator, so the
earlier files are unchanged); does not import xgedu_stats, so it is an independent check of
the tool. Run from the repository root: ``python scripts/make_samples.py [FOLDER]``.
"""

from __future__ import annotations

import csv
import io
import random
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

SEED = 2018
OUT = Path(__file__).resolve().parent.parent / "samples" / "2018"
#: The seed of what issue 12 added (document types, pictures, letters, traffic).
EXTRA_SEED = 201812
#: The seed of what issue 15 added (the portal's 发布部门 column).
DEPARTMENT_SEED = 201815

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
    # the portal's 文种, 图片数 and 发布部门 cells
    doc_type: str = ""
    pictures: str = ""
    department: str = ""


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


# --- document types and pictures ------------------------------------------------------
# The tool's built-in title words, in its order (xgedu_stats/example-config.toml [doc_types]):
# an item with no 文种 value takes the first type one of whose words its title holds.
TITLE_WORDS = (
    ("规范性文件", ("办法", "规定", "细则", "实施意见")),
    ("公告通知", ("通知", "公告", "通告", "公示")),
    ("资料", ("名单", "名录", "汇编", "一览表", "结果")),
    ("政务新闻", ("市教育局", "局党组")),
)
NAMED_TYPES = 745  # 发布各类政务新闻、规范性文件、资料、公告通知等 740 余篇
PICTURES = 104  # 各类宣传图片 100 余幅


def title_type(title: str) -> str:
    return next((name for name, words in TITLE_WORDS if any(w in title for w in words)), "")


def assign_doc_types(items: list[Item], rng: random.Random) -> None:
    """The portal's 文种 and 图片数 cells. Editors fill 文种 for the bureau's own columns (the
    type the title shows, else 其他) and tag some news of meetings and ceremonies 政务新闻; the
    other school news is left
    blank (typed by its title, which names no type). Pictures go with news."""
    on_portal = [i for i in items if "portal" in i.copies]
    by_title = sum(1 for i in items if title_type(i.title))
    for item in on_portal:
        if item.category != "孝感教育新闻":
            item.doc_type = title_type(item.title) or "其他"
    meetings = [
        i
        for i in on_portal
        if i.category == "孝感教育新闻"
        and ("召开" in i.title or "举行" in i.title)
        and not title_type(i.title)
    ]
    tagged = NAMED_TYPES - by_title
    assert 0 <= tagged <= len(meetings), (tagged, len(meetings))
    for item in rng.sample(meetings, tagged):
        item.doc_type = "政务新闻"
    left = PICTURES
    news = [i for i in on_portal if i.category == "孝感教育新闻"]
    for item in news:
        item.pictures = "0"
    for item in rng.sample(news, len(news)):
        if not left:
            break
        item.pictures = str(min(left, rng.randint(1, 4)))
        left -= int(item.pictures)
    for item in on_portal:
        item.pictures = item.pictures or "0"


# --- the 局长信箱 ---------------------------------------------------------------------
LETTERS = 259  # 受理网上咨询、建议和投诉 259 余件
LETTER_TYPES = [("咨询", 0.55), ("建议", 0.2), ("投诉", 0.25)]
#: How each export writes a type (the tool reads them all).
TYPE_WRITTEN = {
    "咨询": ("咨询", "问题咨询"),
    "建议": ("建议", "意见建议"),
    "投诉": ("投诉", "投诉举报"),
}
LETTER_SUBJECTS = {
    "咨询": [
        "{p}小学入学政策",
        "{p}学籍转入手续",
        "教师资格证认定",
        "{p}中考报名",
        "学生资助申请条件",
    ],
    "建议": ["{p}学校周边交通", "{p}校车线路", "课后服务时间", "{p}学校食堂管理"],
    "投诉": ["{p}学校违规补课", "{p}幼儿园乱收费", "{p}学校作业负担过重", "{p}培训机构退费"],
}
DEPARTMENTS = ["办公室", "基础教育科", "招生考试院", "人事科", "学生资助中心", "安全管理科"]
#: Letters around the holidays, with the day they were answered (all on time: 5 working days).
HOLIDAY_LETTERS = [
    (datetime(2018, 2, 11, 10, 5), datetime(2018, 2, 12, 9, 30)),  # a 调休 working Sunday
    (datetime(2018, 2, 14, 20, 15), datetime(2018, 2, 22, 9, 40)),  # eve of the Spring Festival
    (datetime(2018, 2, 18, 11, 0), datetime(2018, 2, 24, 10, 0)),  # during it; 02-24 is worked
    (datetime(2018, 9, 29, 15, 20), datetime(2018, 9, 30, 10, 10)),  # a 调休 working Saturday
    (datetime(2018, 9, 30, 16, 0), datetime(2018, 10, 8, 9, 0)),  # before National Day
    (datetime(2018, 10, 3, 8, 45), datetime(2018, 10, 8, 14, 30)),  # during it
]
FIRST_EXPORT_END = date(2018, 7, 20)
SECOND_EXPORT_START = date(2018, 7, 1)


@dataclass
class Letter:
    number: str
    kind: str
    title: str
    received: datetime
    replied: datetime
    department: str


def make_letters(rng: random.Random) -> list[Letter]:
    """The year's 259 letters and three of December 2017, each answered within 5 working days."""
    times = [received for received, _ in HOLIDAY_LETTERS]
    while len(times) < LETTERS:
        day = date(2018, 1, 1) + timedelta(days=rng.randrange(361))  # (answered by 12-31)
        if (2, 14) <= (day.month, day.day) <= (2, 24) or (9, 29) <= (day.month, day.day) <= (10, 8):
            continue  # (the holidays' letters are the ones above)
        times.append(datetime(day.year, day.month, day.day, rng.randint(7, 22), rng.randint(0, 59)))
    replies = dict(HOLIDAY_LETTERS)
    letters = []
    old = [datetime(2017, 12, d, 9, 30) for d in (18, 22, 27)]
    for n, received in enumerate([*old, *sorted(times)], start=1):
        kind = rng.choices([k for k, _ in LETTER_TYPES], [w for _, w in LETTER_TYPES])[0]
        subject = rng.choice(LETTER_SUBJECTS[kind]).format(p=rng.choice(PLACES))
        # Answered the same day or the next (always within the deadline of 5 working days).
        replied = replies.get(received) or received + timedelta(hours=rng.randint(2, 30))
        letters.append(
            Letter(
                f"JZXX{received.year}{n:04d}",
                kind,
                f"关于{subject}的{kind}",
                received,
                replied,
                rng.choice(DEPARTMENTS),
            )
        )
    return letters


def write_letters(folder: Path, letters: list[Letter], rng: random.Random) -> None:
    """Two exports of the 局长信箱 that overlap from 1 to 20 July: the first, taken on
    20 July, has Excel dates and no reply yet for the letters of its last days; the second
    writes dates as text. Each has a title line above its own headers."""
    from openpyxl import Workbook

    header = ["信件编号", "信件标题", "来信类型", "来信时间", "答复时间", "答复单位", "办理状态"]
    for name, first, last, as_text in (
        ("局长信箱_2018年1-7月.xlsx", date(2017, 1, 1), FIRST_EXPORT_END, False),
        ("局长信箱_2018年7-12月.xlsx", SECOND_EXPORT_START, date(2018, 12, 31), True),
    ):
        book = Workbook()
        sheet = book.active
        sheet.title = "信件列表"
        sheet.append([f"孝感市教育局局长信箱信件列表（{first:%Y-%m-%d} 至 {last:%Y-%m-%d}）"])
        sheet.append(header)
        for letter in letters:
            if not first <= letter.received.date() <= last:
                continue
            answered = letter.replied.date() <= last and not (
                not as_text and letter.received.date() >= date(2018, 7, 18)
            )
            kind = rng.choice(TYPE_WRITTEN[letter.kind])

            sheet.append(
                [
                    letter.number,
                    letter.title,
                    kind,
                    _cell(letter.received, as_text),
                    _cell(letter.replied, as_text) if answered else "",
                    letter.department,
                    "已办结" if answered else "办理中",
                ]
            )
        for column, width in zip("ABCDEFG", (14, 36, 10, 18, 18, 14, 10), strict=True):
            sheet.column_dimensions[column].width = width
        stamp = datetime(2019, 1, 4, 9, 0)
        book.properties.created = book.properties.modified = stamp
        book.save(folder / name)


def _cell(moment: datetime, as_text: bool) -> object:
    """A time as the export writes it: text, or an Excel date."""
    return f"{moment:%Y/%m/%d %H:%M}" if as_text else moment


TYPED = ("公告通知", "0", "安全管理科")  # (the 文种, 图片数, 发布部门 of a bad row written by hand)


def portal_extra(item: Item) -> list[str]:
    """The cells the portal's exports have after 点击量: 文种, 图片数 and 发布部门."""
    return [item.doc_type, item.pictures, item.department]


#: The department that publishes each category on the portal (the letters' names where
#: they are the same department).
CATEGORY_DEPARTMENTS = {
    "孝感教育新闻": "宣传科",
    "信息公开栏目": "办公室",
    "规划财务": "规划财务科",
    "教育督导": "督导室",
    "基础教育": "基础教育科",
    "职成教育": "职成教育科",
    "教育科研": "教科院",
    "人事老干语委": "人事科",
    "教育技术": "电教馆",
    "教育党建": "机关党委",
    "体育卫生": "体卫艺科",
    "招生考试": "招生考试院",
    "行政审批": "行政审批科",
    "教育资助": "学生资助中心",
    "安全后勤": "安全管理科",
    "教育工会": "教育工会",
}


def assign_departments(items: list[Item], rng: random.Random) -> None:
    """The portal's 发布部门 cell: its category's department; news now and then by the
    office; a few left blank by the editor."""
    for item in items:
        roll = rng.random()
        if roll < 0.05:
            item.department = ""
        elif item.category == "孝感教育新闻" and roll < 0.2:
            item.department = "办公室"
        else:
            item.department = CATEGORY_DEPARTMENTS[item.category]


# --- the portal's traffic ---------------------------------------------------------------
TRAFFIC_SINCE = date(2015, 9, 1)  # the relaunch: 门户网站点击率已突破 50 万人次


def write_traffic(path: Path, rng: random.Random) -> int:
    """百度统计's daily export since the relaunch: page views growing from about 300 to 750 a
    day, weekends and holidays lower; returns the cumulative page views."""
    rows, total, day = [], 0, TRAFFIC_SINCE
    end = date(2018, 12, 31)
    span = (end - TRAFFIC_SINCE).days
    while day <= end:
        trend = 300 + 450 * (day - TRAFFIC_SINCE).days / span
        quiet = 0.45 if day.weekday() >= 5 else 1.0
        views = max(20, round(trend * quiet * rng.uniform(0.75, 1.25)))
        visitors = max(5, round(views * rng.uniform(0.28, 0.4)))
        seconds = rng.randint(60, 400)
        rows.append(
            [
                f"{day:%Y/%m/%d}",
                str(views),
                str(visitors),
                f"00:{seconds // 60:02d}:{seconds % 60:02d}",
            ]
        )
        total += views
        day += timedelta(days=1)
    rows.append(["合计", str(total), str(sum(int(r[2]) for r in rows)), "--"])
    assert 500_000 < total < 600_000, total
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f"网站概况（按日）  时间范围：{TRAFFIC_SINCE:%Y/%m/%d} - {end:%Y/%m/%d}"])
    writer.writerow(["日期", "浏览量(PV)", "访客数(UV)", "平均访问时长"])
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return total


def clock(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(8, 18), rng.randint(0, 59), rng.randint(0, 59)


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def main(out: Path = OUT) -> None:
    rng = random.Random(SEED)
    extra = random.Random(EXTRA_SEED)
    items, outside = build_items(rng)
    assign_doc_types(items, extra)
    every = sorted([*items, *outside], key=lambda it: (it.day, it.title))
    assign_departments(every, random.Random(DEPARTMENT_SEED))
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("*.csv"), *out.glob("*.xlsx")]:
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
            when = f"{stamp:%Y-%m-%d %H:%M:%S}"
            first.append(
                [str(len(first) + 1), item.title, channel, when, url, views, *portal_extra(item)]
            )
        if day >= date(2018, 7, 1):
            stamp_text = f"{day.year}.{day.month}.{day.day}"
            number = str(len(second) + 1)
            second.append(
                [number, item.title, channel, stamp_text, url, views, *portal_extra(item)]
            )
    first.insert(
        40,
        [
            str(41),
            "",
            "首页 > 重点工作 > 孝感教育新闻",
            "2018-02-11 09:00:00",
            "",
            "12",
            "",
            "0",
            "",
        ],
    )
    first.insert(
        90,
        [str(91), "   ", "首页 > 业务工作 > 规划财务", "2018-03-02 10:00:00", "", "8", "", "0", ""],
    )
    second.insert(
        60,
        [
            str(61),
            "关于暑期安全工作的提醒",
            "首页 > 业务工作 > 安全后勤",
            "2018-13-01",
            "",
            "5",
            *TYPED,
        ],
    )
    header = ["序号", "标题", "栏目", "发布时间", "链接", "点击量", "文种", "图片数", "发布部门"]
    write_csv(out / "门户网站_2018上半年.csv", header, first, "gbk")
    write_csv(out / "门户网站_2018下半年.csv", header, second, "gbk")

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
        out / "云上孝感_2018.csv",
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
        out / "腾讯大楚网_2018.csv", ["新闻标题", "频道", "日期", "网址", "阅读数"], rows, "utf-8"
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
    write_csv(out / "今日头条_2018.csv", header, rows, "utf-8")

    write_letters(out, make_letters(extra), extra)
    write_traffic(out / "门户网站访问统计_2015-2018.csv", extra)
    # The registers of 2018: no application, review or lawsuit (the report's 0), headers only.
    write_csv(
        out / "依申请公开登记_2018.csv",
        ["编号", "申请人类型", "收到日期", "办结日期", "办理结果", "申请内容"],
        [],
        "utf-8",
    )
    write_csv(
        out / "行政复议诉讼登记_2018.csv",
        ["编号", "类型", "起诉方式", "收到日期", "审结日期", "结果", "案由"],
        [],
        "utf-8",
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
