"""Time xgedu-stats against DuckDB (and plain pandas) on the same files, in the same run.

Each contender runs as its own process, a few times; the table shows the median wall
time, the largest peak memory (RSS) and the ratio to DuckDB's bare dedupe-and-count.

    pip install duckdb                      # the yardstick; not a dependency of the tool
    python benchmarks/run.py --rows 1000000 # makes the data under /tmp first if needed
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

DUCKDB = """
import duckdb, sys
files = sys.argv[1:]
parts = " union all ".join(
    f"select column0 as title, column1 as channel, column2 as day "
    f"from read_csv('{f}', header=false, skip=1, all_varchar=true)" for f in files
)
con = duckdb.connect()
con.execute("set threads to 2")
print(con.execute(f'''
    with rows as ({parts}),
    items as (select title, day, any_value(channel) as channel from rows group by title, day)
    select regexp_extract(channel, '[^>]*$') as category, count(*) from items group by 1 order by 1
''').fetchall()[:2])
"""

PANDAS = """
import pandas as pd, sys
frames = []
for f in sys.argv[1:]:
    df = pd.read_csv(f, dtype=str, usecols=[0, 1, 2], header=0, names=["title", "channel", "day"])
    frames.append(df)
rows = pd.concat(frames, ignore_index=True)
items = rows.drop_duplicates(["title", "day"])
print(items["channel"].str.rsplit(">", n=1).str[-1].value_counts().head(2).to_dict())
"""


def measure(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall seconds and the largest peak RSS in MiB over ``runs`` runs."""
    walls, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        walls.append(time.perf_counter() - start)
        if status != 0:
            sys.exit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(walls), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--data", type=Path, help="folder of exports (default /tmp/xgedu-bench-ROWS)"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-pandas", action="store_true", help="skip the plain pandas reference")
    parser.add_argument(
        "--only-tool", action="store_true", help="time xgedu-stats alone (large runs)"
    )
    args = parser.parse_args()

    data = args.data or Path(f"/tmp/xgedu-bench-{args.rows}")
    if not data.exists():
        subprocess.run(
            [
                sys.executable,
                str(HERE / "make_data.py"),
                "--rows",
                str(args.rows),
                "--out",
                str(data),
            ],
            check=True,
        )
    files = sorted(str(p) for p in data.glob("*.csv"))
    size = sum(Path(f).stat().st_size for f in files) / 1e6
    tool = shutil.which("xgedu-stats") or sys.exit("xgedu-stats is not installed: pip install .")

    contenders: list[tuple[str, list[str]]] = [
        ("xgedu-stats aggregate (whole job)", [tool, "aggregate", str(data), "-f", "json", "-q"]),
    ]
    if not args.only_tool:
        contenders.append(
            (
                "DuckDB: GROUP BY title, date; count by category",
                [sys.executable, "-c", DUCKDB, *files],
            )
        )
        if not args.no_pandas:
            contenders.append(
                (
                    "pandas C engine: drop_duplicates, value_counts",
                    [sys.executable, "-c", PANDAS, *files],
                )
            )

    results = [(name, *measure(cmd, args.runs)) for name, cmd in contenders]
    base = next((wall for name, wall, _ in results if name.startswith("DuckDB")), None)
    print(
        f"{args.rows:,} rows in {len(files)} files, {size:.0f} MB; {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.machine()}; median of {args.runs} runs\n"
    )
    print("| contender | wall s | peak MiB | × DuckDB |")
    print("|---|---:|---:|---:|")
    for name, wall, peak in results:
        ratio = f"{wall / base:.2f}" if base else "—"
        print(f"| {name} | {wall:.2f} | {peak:.0f} | {ratio} |")


if __name__ == "__main__":
    main()
