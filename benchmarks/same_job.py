"""The yardstick: the tool's job on the benchmark data, written in DuckDB SQL as a competent
engineer would (issue 11).

Not a bare ``GROUP BY``: titles are normalised as the tool does (full-width forms, a leading
【…】 tag, a trailing site name, punctuation), dates are read in each export's format, one
publication per link on a platform, copies on other platforms joined when their keys are
equal within ``WINDOW`` days of the copy before (a ``lag`` over (key ORDER BY day) and a
running sum of the gaps, over the default RANGE frame so that copies tied on one day stay
together), each item's category from its copies in platform priority order, and the
category and platform tables, and each item's document type (文种) by its title's 文号 and the
built-in words, from its copies in priority order. It prints the figures as JSON; ``run.py`` checks them against
the tool's, so the two are timed on the same job.

It knows what the tool finds out for itself: which column is which (the benchmark's files
keep title, channel, date, link and views in that order), each file's platform and date
formats. It does no checks: no encodings decided, no broken rows, no line numbers.

    pip install duckdb && python benchmarks/same_job.py /tmp/xgedu-bench-1000000/*.csv
"""

from __future__ import annotations

DUCKDB_SAME_JOB = r"""
import json, os, sys
import duckdb

files = sys.argv[1:]
PLATFORMS = ["portal", "yunshang", "dachu", "toutiao"]  # priority order, as the config's
WORDS = {"门户": "portal", "云上": "yunshang", "大楚": "dachu", "头条": "toutiao"}
CATEGORIES = json.loads(os.environ["XGEDU_CATEGORIES"])  # name -> [name and aliases]
SITES = ["孝感市教育局", "孝感教育信息网", "孝感教育"]
WINDOW = 3
# Document types: the 文号 pattern, then the built-in title words in the tool's order; codes are
# positions in ("政务新闻", "规范性文件", "资料", "公告通知", "其他").
DOC_NUMBER = r"\p{Han}{1,12}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*[号號]"
DOC_WORDS = [(1, "办法|规定|细则|实施意见"), (3, "通知|公告|通告|公示"),
             (2, "名单|名录|汇编|一览表|结果"), (0, "市教育局|局党组")]
DOC_TYPES = ["政务新闻", "规范性文件", "资料", "公告通知", "其他"]
FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y年%m月%d日", "%Y-%m-%d"]

def platform(path):
    return next(key for word, key in WORDS.items() if word in os.path.basename(path))

# NFKC's effect on a key, as far as it matters: full-width forms that are not punctuation
# (punctuation is removed either way) become ASCII. translate() costs 8 s a million rows,
# and every title here holds full-width brackets: only titles with such a form pay it.
import unicodedata
kept = [c for c in range(0xFF01, 0xFF5F) if not unicodedata.category(chr(c)).startswith("P")]
wide = "".join(chr(c) for c in kept)
narrow = "".join(chr(c - 0xFEE0) for c in kept).replace("'", "''")
fullwidth = "[" + "".join(chr(c) for c in kept) + "]"
sites = "|".join(SITES)
reads = " union all ".join(
    f"select {PLATFORMS.index(platform(f))} as platform, * from read_csv('{f}', header=true, "
    "all_varchar=true, names=['title', 'channel', 'date', 'url', 'views'])"
    for f in files
)
aliases = " union all ".join(
    f"select '{alias}' as segment, '{name}' as category, {i} as priority"
    for i, (name, names) in enumerate(CATEGORIES.items())
    for alias in names
)
con = duckdb.connect()
con.execute("set threads to 2")
con.execute("set enable_progress_bar = false")
con.execute(f"create temp table categories as {aliases}")
by_words = " ".join(
    f"when regexp_matches(key || chr(0) || tag, '{words}') then {code}" for code, words in DOC_WORDS
)
con.execute(f'''
create temp table rows as
select platform,
       regexp_replace(regexp_replace(regexp_replace(
           case when regexp_matches(title, '{fullwidth}')
                then translate(title, '{wide}', '{narrow}') else title end,
           '^\s*(?:【[^】]*】|\[[^\]]*\])\s*', ''),
           '\s*(?:-|—|_|\|)+\s*(?:{sites})\s*$', ''),
           '[\p{{P}}\p{{Z}}\p{{Cf}}\s|~^`]+', '', 'g') as key,
       cast(try_strptime(trim(date), {FORMATS}) as date) as day,
       regexp_replace(url, '^[a-zA-Z]+://|#.*$|/+$', '', 'g') as link,
       c.category,
       case when regexp_matches(r.title, '号|號') and regexp_matches(r.title, '{DOC_NUMBER}')
            then 1 end as numbered,
       regexp_replace(regexp_extract(r.title, '^\s*[【\[〔]([^】\]〕]{{1,30}})[】\]〕]', 1),
                      '[\p{{P}}\p{{Z}}\p{{Cf}}]', '', 'g') as tag
from ({reads}) r left join categories c on c.segment = regexp_extract(r.channel, '[^>]*$')
''')
figures = con.execute(f'''
with typed as (
    select *, coalesce(numbered, case {by_words} end) as doc_type from rows
),
publications as (
    select platform, link, arg_min(key, day) as key, min(day) as day,
           arg_min(category, platform) filter (where category is not null) as category,
           min(doc_type) as doc_type, count(*) as copies
    from typed where key <> '' and day is not null group by platform, link
),
gaps as (
    select *, coalesce(day - lag(day) over (partition by key order by day) > {WINDOW}, true)
              as starts
    from publications
),
numbered as (
    select *, sum(starts::int) over (partition by key order by day) as chain from gaps
),
items as (
    select key, chain, arg_min(category, platform) filter (where category is not null)
           as category, bit_or(1 << platform) as platforms,
           coalesce(min(platform * 10 + doc_type) % 10, 4) as doc_type
    from numbered group by key, chain
)
select
    (select count(*) from rows) as rows_read,
    (select count(*) from rows where key = '' or day is null) as rejected,
    (select count(*) from items) as unique_items,
    (select json_group_object(category, n) from
        (select coalesce(category, '未分类') as category, count(*) as n
         from items group by 1)) as categories,
    (select json_group_object(platform, n)
     from (select platform, count(*) as n from rows group by 1)) as rows_by_platform,
    (select json_group_array([i, (select count(*) from items where platforms & (1 << i) <> 0),
                              (select count(*) from items where platforms = (1 << i))])
     from range({len(PLATFORMS)}) t(i)) as items_by_platform,
    (select json_group_object(doc_type, n)
     from (select doc_type, count(*) as n from items group by 1)) as doc_types
''').fetchone()
rows_read, rejected, unique, categories, rows_by, items_by, doc_types = figures
print(json.dumps({
    "totals": {"rows_read": rows_read, "rejected": rejected, "unique_items": unique,
               "duplicates": rows_read - rejected - unique},
    "categories": json.loads(categories),
    "doc_types": {DOC_TYPES[int(k)]: n for k, n in json.loads(doc_types).items()},
    "platforms": {PLATFORMS[i]: [json.loads(rows_by).get(str(i), 0), n, only]
                  for i, n, only in json.loads(items_by)},
}, ensure_ascii=False, sort_keys=True))
"""


def categories_env() -> str:
    """The default categories and their aliases, as the yardstick reads them (JSON)."""
    import json

    from xgedu_stats.config import Settings

    settings = Settings()
    return json.dumps(
        {c.name: [c.name, *c.aliases] for c in settings.categories},
        ensure_ascii=False,
    )


def tool_figures(output: str) -> dict:
    """The tool's ``-f json`` output in the yardstick's shape, to compare the two."""
    import json

    got = json.loads(output)
    totals = {k: got["totals"][k] for k in ("rows_read", "rejected", "unique_items", "duplicates")}
    return {
        "totals": totals,
        "categories": {
            r["category"]: r["count"] for r in got["tables"]["categories"] if r["count"]
        },
        "doc_types": {r["doc_type"]: r["count"] for r in got["tables"]["doc_types"] if r["count"]},
        "platforms": {
            r["platform"]: [r["rows"], r["items"], r["only_here"]]
            for r in got["tables"]["platforms"]
        },
    }
