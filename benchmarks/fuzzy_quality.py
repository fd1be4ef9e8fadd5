"""Precision and recall of near-duplicate merging on the labelled set, by threshold.

The default ``fuzzy_threshold`` is chosen from this table. Run from the repository root:

    python benchmarks/fuzzy_quality.py --items 3000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from labelled_titles import labelled_rows  # noqa: E402
from test_fuzzy import pair_quality, run_rows  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rows = labelled_rows(args.items, seed=args.seed)
    print(f"{len(rows)} rows, {len({r[2] for r in rows})} items\n")
    print("| threshold | precision | recall | unique items |")
    print("|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        exact = run_rows(Path(tmp), rows)
        p, r = pair_quality(exact, rows)
        print(f"| exact only | {p:.4f} | {r:.4f} | {exact.totals.unique_items} |")
        for threshold in (60, 65, 70, 75, 80, 85, 90, 95):
            result = run_rows(Path(tmp), rows, fuzzy=True, fuzzy_threshold=threshold)
            p, r = pair_quality(result, rows)
            print(f"| {threshold} | {p:.4f} | {r:.4f} | {result.totals.unique_items} |")


if __name__ == "__main__":
    main()
