"""The crawl benchmark on two versions of the code, in turn: is a change faster?

    python bench/compare.py BASE [--rounds 5] [--workers 2] [--pages 1000]

Checks BASE (any commit) out in a temporary git worktree, then runs this checkout's
``bench/crawl.py`` ``--rounds`` times on each version, alternating: BASE, this checkout,
BASE, ... Each run measures (a) Scrapy alone and (b) the hdhwatch crawl of that version
(the crawl process and its workers import the version's ``src`` and ``scrapers``).

Why alternate: a shared or virtual machine's speed drifts, here by a third from one
minute to the next (Scrapy alone from 238 to 423 pages/s), more than most changes
being measured. Of a run's figures, the ratio (b)/(a) drifts least, and alternating
spreads what is left over both versions. Prints each run's ratio, pages/s and CPU
ms/page in the window, then the medians.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent
# "(b) hdhwatch, 2 workers      1000     11.81     84.7       2.09        23.0      20.6 ..."
_ROW = re.compile(r"^\(b\) hdhwatch, \d+ workers? +\d+ +[\d.]+ +(?P<rate>[\d.]+) +[\d.]+ +"
                  r"[\d.]+ +(?P<cpu>[\d.]+)", re.M)
_RATIO = re.compile(r"ratio b/a (?P<ratio>[\d.]+) against")


def run_once(version: Path, args: argparse.Namespace) -> dict[str, float]:
    """``bench/crawl.py`` with the crawl of ``version``'s code: its (b) figures."""
    command = [sys.executable, str(HERE / "crawl.py"), "--workers", str(args.workers),
               "--pages", str(args.pages), "--no-recrawl", "--stage-pages", "0"]
    env = {"PYTHONPATH": f"{version / 'src'}:{version}"}
    done = subprocess.run(command, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=3600)
    row, ratio = _ROW.search(done.stdout), _RATIO.search(done.stdout)
    if done.returncode != 0 or row is None or ratio is None:
        raise SystemExit(f"bench/crawl.py failed on {version}:\n{done.stdout[-2000:]}"
                         f"{done.stderr[-2000:]}")
    return {"ratio": float(ratio["ratio"]), "rate": float(row["rate"]),
            "cpu": float(row["cpu"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/compare.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the commit to compare this checkout with")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each (default 5)")
    parser.add_argument("--workers", type=int, default=2, help="--workers of (b) (default 2)")
    parser.add_argument("--pages", type=int, default=1000, help="pages (default 1000)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be 1 or more")
    with tempfile.TemporaryDirectory(prefix="hdhwatch-compare-") as tmp:
        base = Path(tmp) / "base"
        added = subprocess.run(["git", "-C", str(CHECKOUT), "worktree", "add", "--detach",
                                str(base), args.base], capture_output=True, text=True)
        if added.returncode != 0:
            parser.error(f"cannot check out {args.base!r}: {added.stderr.strip()}")
        try:
            runs: dict[str, list[dict[str, float]]] = {args.base: [], "this checkout": []}
            for n in range(1, args.rounds + 1):
                for label, version in ((args.base, base), ("this checkout", CHECKOUT)):
                    figures = run_once(version, args)
                    runs[label].append(figures)
                    print(f"round {n}, {label:14} ratio {figures['ratio']:.3f}  "
                          f"{figures['rate']:6.1f} pages/s  {figures['cpu']:5.1f} ms/page "
                          "in window", flush=True)
        finally:
            subprocess.run(["git", "-C", str(CHECKOUT), "worktree", "remove", "--force",
                            str(base)], capture_output=True)
    print()
    for label, figures in runs.items():
        ratios = " ".join(f"{f['ratio']:.3f}" for f in figures)
        print(f"{label:14} median ratio {statistics.median(f['ratio'] for f in figures):.3f} "
              f"({ratios}), median {statistics.median(f['rate'] for f in figures):.1f} pages/s, "
              f"{statistics.median(f['cpu'] for f in figures):.1f} ms/page in window")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
