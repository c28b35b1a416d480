"""Cold start-up of the CLI against its floor, measured side by side in one run (ratios, not seconds).

    python bench/startup_bench.py [--runs 15]

Each pair runs the floor (B) and costcmp (A) as fresh processes, alternately, and the ratio A/B is taken
pair by pair, so drift in the machine's speed cancels; the median ratio is printed. The floors are the
libraries the command cannot do without: pandas and rich for a CSV run, pandas with rich's console and
table for a table. Targets (issue 9): both medians <= 1.3.

Bytecode is compiled first, as a wheel install does: with PYTHONDONTWRITEBYTECODE set, an editable
checkout would otherwise recompile every costcmp module in every run, which no installed user pays.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = (
    (
        "prices --gpu H100 --format csv",
        ["-m", "costcmp", "prices", "--gpu", "H100", "--format", "csv"],
        ["-c", "import pandas, rich"],
    ),
    (
        "plan --model llama2-70b --gpu H100 --gpus 1024 (table)",
        ["-m", "costcmp", "plan", "--model", "llama2-70b", "--gpu", "H100", "--gpus", "1024"],
        ["-c", "import pandas, rich.console, rich.table"],
    ),
)
TARGET = 1.3


def wall(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="pairs per case (default 15)")
    runs = parser.parse_args().runs
    compileall.compile_dir(str(ROOT / "costcmp"), quiet=1)
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    env["COSTCMP_CACHE_DIR"] = tempfile.mkdtemp(prefix="costcmp-bench-")  # the shipped snapshot, no user cache
    worst = 0.0
    for label, command, floor in CASES:
        wall(command, env), wall(floor, env)  # warm the OS file cache
        ratios, a_times, b_times = [], [], []
        for _ in range(runs):
            b = wall(floor, env)
            a = wall(command, env)
            a_times.append(a)
            b_times.append(b)
            ratios.append(a / b)
        ratio = statistics.median(ratios)
        worst = max(worst, ratio)
        print(
            f"costcmp {label}: median {statistics.median(a_times) * 1e3:.0f} ms vs floor "
            f"`python {' '.join(floor)}` {statistics.median(b_times) * 1e3:.0f} ms: "
            f"ratio {ratio:.2f} (min {min(ratios):.2f}, max {max(ratios):.2f}; target <= {TARGET})"
        )
    print(f"worst median ratio {worst:.2f}: {'met' if worst <= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
