"""Sketches of the aggregate job with no checks, to see what each engine could do at best.

Each reads the four CSV files (header on line 1, every line a record), builds a title key
(NFKC, a leading 【…】/[…] tag removed, punctuation removed), reads the date, merges equal
keys within 3 days by sorting, and counts items per category. Unlike the tool, they do
not look for the header, check encodings, broken or blank lines, summary rows or site
names, keep line numbers, or build any of the tables. They are yardsticks for
``run.py --sketches``, not implementations: their unique counts are approximate.

    pip install duckdb polars && python benchmarks/run.py --sketches
"""

ARROW = r"""
import sys
from concurrent.futures import ThreadPoolExecutor
import numpy as np, pyarrow as pa, pyarrow.compute as pc, pyarrow.csv as pacsv

names = ["title", "channel", "date", "url", "views"]
tables = [
    pacsv.read_csv(
        f,
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.large_string() for n in names}),
    )
    for f in sys.argv[1:]
]
table = pa.concat_tables(tables)

def key(part):
    part = pc.utf8_normalize(part, "NFKC")
    part = pc.replace_substring_regex(part, r"^\s*(?:【[^】]*】|\[[^\]]*\])\s*", "")
    return pc.replace_substring_regex(part, r"[\p{P}\p{Z}\p{Cf}\s|~^`]+", "")

pieces = [c.slice(i, 100_000) for c in table.column("title").chunks for i in range(0, len(c), 100_000)]
with ThreadPoolExecutor(2) as pool:
    keys = pa.concat_arrays(list(pool.map(key, pieces)))
dates = pc.utf8_slice_codeunits(pc.replace_substring_regex(
    pc.utf8_normalize(table.column("date"), "NFKC"), "[/年月.]", "-"), 0, 10)
day = pc.strptime(dates, "%Y-%m-%d", "s", error_is_null=True)
day = pc.fill_null(pc.cast(day, pa.int64()), 0).to_numpy() // 86400
codes = pc.dictionary_encode(keys).indices.to_numpy().astype(np.int64)
order = np.argsort(codes * 100_000 + (day - day.min()))
c, d = codes[order], day[order]
new = np.r_[True, (c[1:] != c[:-1]) | (d[1:] - d[:-1] > 3)]
channel = pc.take(table.column("channel"), pa.array(order[new])).combine_chunks()
category = pc.extract_regex(channel, r"(?P<c>[^>]*)$").field("c")
print(int(new.sum()), pc.value_counts(category)[:2])
"""

POLARS = r"""
import sys
import polars as pl

names = ["title", "channel", "date", "url", "views"]
rows = pl.concat([
    pl.scan_csv(f, has_header=False, skip_rows=1, new_columns=names, infer_schema=False)
    for f in sys.argv[1:]
])
items = (
    rows.with_columns(
        key=pl.col("title").str.normalize("NFKC")
        .str.replace(r"^\s*(?:【[^】]*】|\[[^\]]*\])\s*", "")
        .str.replace_all(r"[\p{P}\p{Z}\p{Cf}\s|~^`]+", ""),
        day=pl.col("date").str.normalize("NFKC").str.replace_all("[/年月.]", "-")
        .str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d", strict=False),
    )
    .sort(["key", "day"])
    .filter(
        ((pl.col("key") != pl.col("key").shift(1))
         | ((pl.col("day") - pl.col("day").shift(1)).dt.total_days() > 3)).fill_null(True)
    )
    .group_by(pl.col("channel").str.extract(r"([^>]*)$"))
    .len()
    .collect()
)
print(items["len"].sum(), items.head(2))
"""
