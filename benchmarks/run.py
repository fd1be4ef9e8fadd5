"""Time xgedu-stats against the same job in DuckDB SQL, on the same files, in the same run.

Each contender runs as its own process, a few times; the table shows the median wall
time, the largest peak memory (RSS) and the ratio to the yardstick: the tool's job written
in DuckDB SQL (``same_job.py``), whose figures are checked against the tool's. DuckDB's
bare ``GROUP BY`` and plain pandas are shown for reference (they do less than the job).

    pip install duckdb                      # the yardstick; not a dependency of the tool
    python benchmarks/run.py --rows 1000000 # makes the data under /tmp first if needed
    python benchmarks/run.py --rows 10000000 --only-tool --runs 1 --fuzzy-rows 0
    pip install polars && python benchmarks/run.py --sketches  # the job with no checks (sketches.py)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from same_job import DUCKDB_SAME_JOB, categories_env, tool_figures  # noqa: E402

SAME_JOB = "DuckDB SQL: the same job (same_job.py)"

DUCKDB = """
import duckdb, sys  # not the job: no normalised titles, no window, no priorities
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


def measure(command: list[str], runs: int) -> tuple[float, float, str]:
    """Median wall seconds, the largest peak RSS in MiB over ``runs`` runs, and the output."""
    walls, peaks = [], []
    out = ""
    for _ in range(runs):
        start = time.perf_counter()
        with tempfile.TemporaryFile() as stdout:
            process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE)
            _, status, usage = os.wait4(process.pid, 0)
            walls.append(time.perf_counter() - start)
            if status != 0:
                sys.exit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
            stdout.seek(0)
            out = stdout.read().decode()
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(walls), max(peaks), out


def data_set(rows: int, folder: Path | None) -> Path:
    data = folder or Path(f"/tmp/xgedu-bench-{rows}")
    if not (data / "expected.json").exists():
        subprocess.run(
            [sys.executable, str(HERE / "make_data.py"), "--rows", str(rows), "--out", str(data)],
            check=True,
        )
    return data


def check(output: str, data: Path) -> str:
    """Compare the tool's totals with what the generator says it must find."""
    expected = json.loads((data / "expected.json").read_text(encoding="utf-8"))
    totals = json.loads(output)["totals"]
    ok = all(totals[k] == v for k, v in expected.items())
    return "figures correct" if ok else f"WRONG FIGURES: got {totals}, expected {expected}"


def same_figures(tool_output: str, yardstick_output: str) -> str:
    """Whether the yardstick computed the tool's figures (totals, categories, platforms)."""
    tool, yardstick = tool_figures(tool_output), json.loads(yardstick_output)
    if tool == yardstick:
        return "the same figures as the tool"
    differ = [k for k in tool if tool[k] != yardstick.get(k)]
    return f"DIFFERENT FIGURES in {', '.join(differ)}: not the same job"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--data", type=Path, help="folder of exports (default /tmp/xgedu-bench-ROWS)"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-pandas", action="store_true", help="skip the plain pandas reference")
    parser.add_argument(
        "--fuzzy-rows", type=int, default=100_000, help="rows for the --fuzzy timing (0: skip)"
    )
    parser.add_argument(
        "--only-tool", action="store_true", help="time xgedu-stats alone (large runs)"
    )
    parser.add_argument(
        "--sketches",
        action="store_true",
        help="also time sketches of the job with no checks, in Arrow and in polars (sketches.py)",
    )
    args = parser.parse_args()

    data = data_set(args.rows, args.data)
    files = sorted(str(p) for p in data.glob("*.csv"))
    size = sum(Path(f).stat().st_size for f in files) / 1e6
    tool = shutil.which("xgedu-stats") or sys.exit("xgedu-stats is not installed: pip install .")

    contenders: list[tuple[str, list[str]]] = [
        ("xgedu-stats aggregate (whole job)", [tool, "aggregate", str(data), "-f", "json", "-q"]),
    ]
    if not args.only_tool:
        contenders.append((SAME_JOB, [sys.executable, "-c", DUCKDB_SAME_JOB, *files]))
        contenders.append(
            (
                "DuckDB: bare GROUP BY title, date (not the job)",
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

    if args.sketches:
        from sketches import ARROW, POLARS

        contenders.append(
            ("sketch, no checks: pyarrow + numpy", [sys.executable, "-c", ARROW, *files])
        )
        contenders.append(
            ("sketch, no checks: polars (lazy)", [sys.executable, "-c", POLARS, *files])
        )

    small = data_set(args.fuzzy_rows, None) if args.fuzzy_rows else data
    if args.fuzzy_rows:
        contenders.append(
            (
                f"xgedu-stats aggregate --fuzzy ({args.fuzzy_rows:,} rows)",
                [tool, "aggregate", str(small), "-f", "json", "-q", "--fuzzy"],
            )
        )
    os.environ["XGEDU_CATEGORIES"] = categories_env()  # (the yardstick's category aliases)
    results = [(name, *measure(cmd, args.runs)) for name, cmd in contenders]
    notes = [
        f"{name}: {check(out, data if 'fuzzy' not in name else small)}"
        for name, _, _, out in results
        if name.startswith("xgedu")
    ]
    outputs = {name: out for name, _, _, out in results}
    if SAME_JOB in outputs:
        tool_output = outputs[contenders[0][0]]
        notes.append(f"{SAME_JOB}: {same_figures(tool_output, outputs[SAME_JOB])}")
    base = next((wall for name, wall, _, _ in results if name == SAME_JOB), None)
    print(
        f"{args.rows:,} rows in {len(files)} files, {size:.0f} MB; {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.machine()}; median of {args.runs} runs\n"
    )
    print("| contender | wall s | peak MiB | × same job in DuckDB |")
    print("|---|---:|---:|---:|")
    for name, wall, peak, _ in results:
        ratio = f"{wall / base:.2f}" if base and "fuzzy" not in name else "—"
        print(f"| {name} | {wall:.2f} | {peak:.0f} | {ratio} |")
    print()
    print("\n".join(notes))


if __name__ == "__main__":
    main()
