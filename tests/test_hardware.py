from __future__ import annotations

import math

import pytest

from costcmp.errors import UnknownGPUError
from costcmp.hardware import CANONICAL_GPUS, SPECS, gpu_spec, gpu_specs, resolve_gpu


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("h100", "H100"),
        ("H100-80GB", "H100"),
        ("nvidia-h100-sxm", "H100"),
        ("NVIDIA H100 SXM5", "H100"),
        ("a100-40gb", "A100"),
        ("A100", "A100"),
        ("a100_80gb", "A100-80GB"),
        ("v100-16gb", "V100"),
        ("Tesla V100", "V100"),
        ("v100-32gb", "V100-32GB"),
        ("h100nvl", "H100-NVL"),
        ("H100-NVL", "H100-NVL"),
        ("h200-141gb", "H200"),
        ("b200", "B200"),
        ("a10g", "A10G"),
        ("l4", "L4"),
        ("L40s", "L40S"),
        ("t4", "T4"),
        ("amd-instinct-mi300x", "MI300X"),
        ("mi300x", "MI300X"),
    ],
)
def test_aliases_resolve_case_insensitively(alias: str, canonical: str) -> None:
    assert resolve_gpu(alias) == canonical


def test_unknown_gpu_suggests() -> None:
    with pytest.raises(UnknownGPUError) as info:
        resolve_gpu("H10")
    assert "Did you mean" in str(info.value) and "'H100'" in str(info.value)


def test_every_canonical_gpu_has_a_spec() -> None:
    assert set(CANONICAL_GPUS) == {
        "V100",
        "V100-32GB",
        "A100",
        "A100-80GB",
        "H100",
        "H100-NVL",
        "H200",
        "B200",
        "A10G",
        "L4",
        "L40S",
        "T4",
        "MI300X",
        "B300",
        "GB200",
        "RTX-PRO-6000",
    }
    for spec in SPECS.values():
        assert spec.memory_gb > 0 and spec.memory_bandwidth_gbs > 0 and spec.tdp_watts > 0
        assert spec.half_precision_tflops > 0 and spec.source and spec.confidence in {"C", "C2", "U"}


def test_peaks_are_dense_not_sparse() -> None:
    assert gpu_spec("H100").bf16_tflops == pytest.approx(989.4)
    assert gpu_spec("H100").fp8_tflops == pytest.approx(1978.9)
    assert gpu_spec("A100").bf16_tflops == 312
    assert gpu_spec("MI300X").bf16_tflops == pytest.approx(1307.4)


def test_half_precision_falls_back_to_fp16_where_no_bf16() -> None:
    assert math.isnan(gpu_spec("V100").bf16_tflops)
    assert gpu_spec("V100").half_precision_tflops == 125
    assert gpu_spec("T4").half_precision_tflops == 65


def test_gpu_specs_frame() -> None:
    df = gpu_specs()
    assert list(df["name"]) == list(CANONICAL_GPUS)
    assert {"memory_gb", "fp64_tflops", "fp8_tflops", "half_precision_tflops", "source"} <= set(df.columns)


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("nvidia-b300", "B300"),
        ("GB200", "GB200"),
        ("rtx-pro-server-6000", "RTX-PRO-6000"),
        ("RTX PRO 6000 BSE", "RTX-PRO-6000"),
    ],
)
def test_newest_gpus_resolve(alias: str, name: str) -> None:
    assert resolve_gpu(alias) == name
    spec = gpu_spec(alias)
    assert spec.memory_gb > 0 and spec.half_precision_tflops > 0 and spec.source
