from __future__ import annotations

import pandas as pd

import costcmp


def test_all_is_sorted_and_importable() -> None:
    assert costcmp.__all__ == sorted(costcmp.__all__)
    for name in costcmp.__all__:
        assert hasattr(costcmp, name), name


def test_load_offers_returns_a_filtered_dataframe() -> None:
    df = costcmp.load_offers(gpu="H100", pricing="on_demand")
    assert isinstance(df, pd.DataFrame) and not df.empty
    assert list(df.columns) == list(costcmp.SCHEMA_COLUMNS)
    assert set(df["gpu"]) == {"H100"} and set(df["pricing"]) == {"on_demand"}


def test_gpu_specs_returns_a_dataframe() -> None:
    specs = costcmp.gpu_specs().set_index("name")
    assert specs.loc["H100", "bf16_tflops"] == 989.4


def test_import_is_cheap() -> None:
    """`import costcmp` loads neither numpy nor pandas (nor rich, nor a cloud SDK)."""
    import subprocess
    import sys

    probe = (
        "import sys, costcmp; costcmp.PROVIDERS; costcmp.CostcmpError; "
        "print(sorted(m for m in ('numpy', 'pandas', 'rich', 'boto3', 'azure') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_public_api_is_explicit_and_lazy() -> None:
    import importlib

    assert set(costcmp.__all__) == set(costcmp._LAZY) | {"__version__"}
    for name, module in costcmp._LAZY.items():
        assert getattr(importlib.import_module(module), name) is getattr(costcmp, name)
    assert callable(costcmp.price_cluster) and callable(costcmp.write_report_bundle)


def test_stale_prices_warn_api_users(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Loading prices older than 30 days emits StaleDataWarning (a UserWarning) through `warnings`."""
    import datetime

    import pytest

    from costcmp import cache

    assert issubclass(costcmp.StaleDataWarning, UserWarning)
    newest = max(cache.load_directory(cache.shipped_dir(), "shipped").offers["as_of"])
    later = datetime.date.fromisoformat(newest) + datetime.timedelta(days=cache.STALE_AFTER_DAYS + 1)

    class Later(datetime.date):
        @classmethod
        def today(cls) -> datetime.date:
            return later

    monkeypatch.setattr(cache, "date", Later)
    with pytest.warns(costcmp.StaleDataWarning, match="days old"):
        costcmp.load_offers(gpu="H100")


def test_readme_python_example_runs(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    code = re.search(r"### Python API.*?```python\n(.*?)```", text, re.S)
    assert code is not None
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), "README.md", "exec"), namespace)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "cost_vs_time.png",
        "plan.csv",
        "prices.csv",
        "summary.json",
    ]


def test_names_by_concept() -> None:
    """One module per concept: no two modules, and no two public functions or classes, share a name."""
    import ast
    import collections
    from pathlib import Path

    package = Path(costcmp.__file__).resolve().parent
    modules: dict[str, list[str]] = collections.defaultdict(list)
    names: dict[str, list[str]] = collections.defaultdict(list)
    for path in package.rglob("*.py"):
        if path.stem != "__init__":
            modules[path.stem].append(str(path))
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                names[node.name].append(str(path))
    assert {k: v for k, v in modules.items() if len(v) > 1} == {}
    assert {k: v for k, v in names.items() if len(v) > 1} == {}


def test_no_broad_except_in_the_library() -> None:
    """Adapters catch the SDKs' declared exceptions; only the CLI's last resort may catch Exception (and it
    reports, never swallows)."""
    from pathlib import Path

    package = Path(costcmp.__file__).resolve().parent
    broad = [
        f"{path.relative_to(package)}:{n}"
        for path in package.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "except Exception" in line or line.strip() == "except:"
    ]
    assert broad == ["cli/app.py:" + broad[0].split(":")[1]] if broad else True
    assert len(broad) <= 1
