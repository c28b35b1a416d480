from __future__ import annotations

import math

import pytest

from costcmp.errors import ConflictingParametersError, CostcmpError, InvalidParameterError, UnknownNameError
from costcmp.planner.workload import PRESETS, build_workload


def test_preset_flops_are_6nd_plus_attention() -> None:
    w = build_workload(model="llama2-70b")  # 80 layers, d=8,192, 4,096-token sequences (Llama 2 Table 1)
    assert w.flops == pytest.approx(6 * 70e9 * 2e12 + 12 * 80 * 8192 * 4096 * 2e12)
    assert w.state_bytes == pytest.approx(16 * 70e9) and w.shape_source == "preset"


def test_moe_uses_active_parameters_for_flops_and_total_for_memory() -> None:
    w = build_workload(model="deepseek-v3")
    assert w.flops == pytest.approx(6 * 37e9 * 14.8e12 + 12 * 61 * 7168 * 4096 * 14.8e12)
    assert w.state_bytes == pytest.approx(16 * 671e9) and w.is_moe
    same = build_workload(params="671B", active_params="37B", tokens="14.8T", layers=61, hidden=7168)
    assert same.flops == pytest.approx(w.flops) and same.is_moe


def test_distillation_adds_the_teachers_forward_passes() -> None:
    student = build_workload(params="1B", tokens="9T")
    taught = build_workload(params="1B", tokens="9T", teacher_params="8B")
    assert taught.flops - student.flops == pytest.approx(2 * 8e9 * 9e12)
    assert taught.state_bytes == pytest.approx(16 * 1e9 + 2 * 8e9)  # the teacher's bf16 weights


def test_shape_rule_matches_published_shapes() -> None:
    from costcmp.planner.workload import shape_from_params

    for params, layers, hidden in ((6.7e9, 32, 4096), (65.2e9, 80, 8192), (405e9, 126, 16384)):
        got_layers, got_hidden = shape_from_params(params)
        assert abs(got_hidden - hidden) / hidden < 0.15 and abs(got_layers - layers) / layers < 0.25


def test_chinchilla_and_explicit_tokens() -> None:
    assert build_workload(params="7e9", chinchilla=True).tokens == pytest.approx(140e9)
    w = build_workload(params="17B", tokens="300B")
    assert w.flops == pytest.approx(6 * 17e9 * 300e9 + w.attention_flops) and w.seq_len_assumed
    with pytest.raises(ConflictingParametersError, match="tokens and chinchilla"):
        build_workload(params="7B", tokens="1T", chinchilla=True)


def test_attention_term_follows_palm() -> None:
    w = build_workload(params="7B", tokens="1T", seq_len=4096, layers=32, hidden=4096)
    assert w.attention_flops == pytest.approx(12 * 32 * 4096 * 4096 * 1e12)
    assert w.flops == pytest.approx(6 * 7e9 * 1e12 + w.attention_flops)
    ruled = build_workload(params="7B", tokens="1T", seq_len=4096)  # layers and hidden from the size rule
    assert ruled.shape_source == "rule" and ruled.attention_flops > 0


def test_flops_only_and_flops_with_params() -> None:
    only = build_workload(flops="3.14e23")
    assert only.params is None and only.flops == pytest.approx(3.14e23)
    both = build_workload(flops="3.14e23", params="175B")
    assert both.tokens == pytest.approx(3.14e23 / (6 * 175e9))


def test_missing_pieces_are_clear() -> None:
    with pytest.raises(CostcmpError, match="publishes none"):
        build_workload(model="turing-nlg-17b")
    assert build_workload(model="turing-nlg-17b", tokens="300B").tokens == 300e9
    with pytest.raises(InvalidParameterError, match="describe the run") as missing:
        build_workload()
    assert missing.value.param == "params"
    with pytest.raises(UnknownNameError, match="Did you mean 'llama2-70b'"):
        build_workload(model="llama2-70")
    with pytest.raises(InvalidParameterError, match="seq_len must be a whole number") as bad:
        build_workload(params="7B", tokens="1T", seq_len=-1)
    assert bad.value.param == "seq_len"


def test_conflicts_are_refused_or_said() -> None:
    with pytest.raises(ConflictingParametersError, match="flops and tokens"):
        build_workload(flops="1e23", params="7B", tokens="1T")
    overridden = build_workload(model="llama2-70b", params="13B")
    assert overridden.params == 13e9 and "overridden" in overridden.label


def test_required_presets_exist_with_sources() -> None:
    required = {
        "turing-nlg-17b",
        "gpt3-175b",
        "mt-nlg-530b",
        "opt-175b",
        "bloom-176b",
        "llama-7b",
        "llama-13b",
        "llama-33b",
        "llama-65b",
        "llama2-7b",
        "llama2-13b",
        "llama2-70b",
        "llama3.1-405b",
        "falcon-180b",
        "mpt-7b",
        "deepseek-v3",
    }
    assert required <= set(PRESETS)
    for preset in PRESETS.values():
        assert preset.source and preset.params >= preset.active_params > 0
        assert preset.tokens is None or math.isfinite(preset.tokens)
