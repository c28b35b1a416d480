"""A non-editable install (a wheel's layout) must find the shipped snapshot inside the package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_non_editable_install_finds_the_snapshot(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    assert (target / "costcmp" / "pricing_cache" / "offers.csv").is_file()
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = (
        "import costcmp, sys; from costcmp.cli import main; print(costcmp.__file__); "
        "sys.exit(main(['prices', '--gpu', 'H100', '--format', 'csv']))"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    first, *rows = result.stdout.splitlines()
    assert first.startswith(str(target))
    assert any(r.startswith("aws,") for r in rows) and any(r.startswith("azure,") for r in rows)
