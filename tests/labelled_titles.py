"""A labelled set for near-duplicate matching: items, their edited copies, and hard negatives.

Every row carries the item it truly belongs to, so precision and recall of merging can
be measured. Edits are those re-posts really carry (关于 dropped, 顺利 inserted, a typo
fixed, 2018年 written 二〇一八年, another quote style, a 【】 tag); hard negatives are
distinct items that look alike by construction (the same notice a month later, the same
activity at another school, 第3期 / 第4期, 寒假 / 暑假, 上半年 / 下半年).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

PLACES = ["孝南区", "汉川市", "应城市", "安陆市", "云梦县", "大悟县", "孝昌县"]
SCHOOLS = [
    "实验小学",
    "第一中学",
    "育才小学",
    "城区中心小学",
    "实验幼儿园",
    "职业技术学校",
    "文昌中学",
]
ACTIVITIES = [
    "召开{year}年安全工作会议",
    "举办“{topic}”主题教育活动",
    "开展{term}{topic}专项检查",
    "组织教师参加{topic}培训",
    "举行第{n}期{topic}读书分享会",
]
TOPICS = ["校园安全", "师德师风", "书香校园", "防溺水", "心理健康", "劳动教育", "智慧课堂"]
TERMS = ["寒假", "暑假", "上半年", "下半年", "春季学期", "秋季学期"]
TYPOS = {"召开": "召幵", "培训": "倍训", "活动": "活劫", "检查": "检査"}  # one character off
CN_YEAR = {"2018": "二〇一八", "2019": "二〇一九"}


def base_title(rng: random.Random) -> str:
    activity = rng.choice(ACTIVITIES).format(
        year=rng.choice(["2018", "2019"]),
        topic=rng.choice(TOPICS),
        term=rng.choice(TERMS),
        n=rng.randint(1, 12),
    )
    prefix = "关于" if rng.random() < 0.4 else ""
    return f"{prefix}{rng.choice(PLACES)}{rng.choice(SCHOOLS)}{activity}"


def edit(title: str, rng: random.Random) -> str:
    """A light edit of the kind a re-post carries; always changes the title."""
    choices = []
    if title.startswith("关于"):
        choices.append(lambda t: t[2:])
    if "开展" in title or "举办" in title or "召开" in title:
        choices.append(
            lambda t: (
                t.replace("开展", "顺利开展")
                .replace("举办", "成功举办")
                .replace("召开", "隆重召开")
            )
        )
    if any(y in title for y in CN_YEAR):
        choices.append(lambda t: next(t.replace(y, c) for y, c in CN_YEAR.items() if y in t))
    if "“" in title:
        choices.append(lambda t: t.replace("“", "《").replace("”", "》"))
    if len(title) >= 20 and any(w in title for w in TYPOS):
        choices.append(lambda t: next(t.replace(w, x, 1) for w, x in TYPOS.items() if w in t))
    choices.append(lambda t: "【转载】" + t)
    return rng.choice(choices)(title)


def labelled_rows(
    items: int, seed: int = 11, edited: float = 0.5
) -> list[tuple[str, date, int, str]]:
    """(title, date, true item, platform): each item on the portal and copied to 头条.

    ``edited`` of the copies carry an edit; the rest are the same title. Among the items
    are hard negatives: notices recurring a month apart and near-identical titles.
    """
    rng = random.Random(seed)
    seen: set[str] = set()
    rows: list[tuple[str, date, int, str]] = []
    item = 0
    while item < items:
        title = base_title(rng)
        # distinct items must differ in more than punctuation or a leading 关于
        plain = title.removeprefix("关于").replace("“", "").replace("”", "")
        if plain in seen:
            continue
        seen.add(plain)
        day = date(2018, 1, 1) + timedelta(days=rng.randrange(330))
        rows.append((title, day, item, "portal"))
        copy = edit(title, rng) if rng.random() < edited else title
        rows.append((copy, day + timedelta(days=rng.randint(0, 2)), item, "toutiao"))
        item += 1
        if rng.random() < 0.05 and item < items:  # the same notice a month later: another item
            rows.append((title, day + timedelta(days=30), item, "portal"))
            item += 1
    return rows
