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
