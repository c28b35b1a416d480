"""What is being trained: parameters, tokens and training FLOPs, from a preset or from numbers.

Training FLOPs follow the standard dense-transformer estimate C = 6·N·D (forward 2·N·D, backward
4·N·D; Kaplan et al. 2020), with N the *active* parameters per token for mixture-of-experts models.
When the sequence length is given, the attention term of PaLM's Appendix B is added: 12·L·d·S FLOPs
per token for L layers of width d at sequence length S (Chowdhery et al. 2022).
"""

from __future__ import annotations

from dataclasses import dataclass

from costcmp import arguments
from costcmp.errors import ConflictingParametersError, InvalidParameterError, UnknownNameError
from costcmp.units import parse_quantity, short_number

CHINCHILLA_TOKENS_PER_PARAM = 20.0  # Hoffmann et al. 2022: ~20 tokens per parameter is compute-optimal


@dataclass(frozen=True)
class ModelPreset:
    """A published model: sizes as its authors report them. `tokens` is None where none was published."""

    name: str
    params: float
    active_params: float
    tokens: float | None
    layers: int | None
    hidden: int | None
    seq_len: int | None
    source: str


# fmt: off
_PRESETS: tuple[ModelPreset, ...] = (
    ModelPreset("turing-nlg-17b", 17.2e9, 17.2e9, None, 78, 4256, 1024,
                "Microsoft Research blog 'Turing-NLG: A 17-billion-parameter language model' (Feb 2020); "
                "training tokens not published: pass --tokens"),
    ModelPreset("gpt3-175b", 175e9, 175e9, 300e9, 96, 12288, 2048, "Brown et al. 2020, Table 2.1"),
    ModelPreset("mt-nlg-530b", 530e9, 530e9, 270e9, 105, 20480, 2048, "Smith et al. 2022 (Megatron-Turing NLG)"),
    ModelPreset("opt-175b", 175e9, 175e9, 180e9, 96, 12288, 2048, "Zhang et al. 2022 (OPT), Table 1 and §2"),
    ModelPreset("bloom-176b", 176.2e9, 176.2e9, 366e9, 70, 14336, 2048, "BigScience 2022 (BLOOM), §3.5"),
    ModelPreset("llama-7b", 6.7e9, 6.7e9, 1.0e12, 32, 4096, 2048, "Touvron et al. 2023 (LLaMA), Table 2"),
    ModelPreset("llama-13b", 13.0e9, 13.0e9, 1.0e12, 40, 5120, 2048, "Touvron et al. 2023 (LLaMA), Table 2"),
    ModelPreset("llama-33b", 32.5e9, 32.5e9, 1.4e12, 60, 6656, 2048, "Touvron et al. 2023 (LLaMA), Table 2"),
    ModelPreset("llama-65b", 65.2e9, 65.2e9, 1.4e12, 80, 8192, 2048, "Touvron et al. 2023 (LLaMA), Table 2"),
    ModelPreset("llama2-7b", 7e9, 7e9, 2e12, 32, 4096, 4096, "Touvron et al. 2023 (Llama 2), Table 1"),
    ModelPreset("llama2-13b", 13e9, 13e9, 2e12, 40, 5120, 4096, "Touvron et al. 2023 (Llama 2), Table 1"),
    ModelPreset("llama2-70b", 70e9, 70e9, 2e12, 80, 8192, 4096, "Touvron et al. 2023 (Llama 2), Table 1"),
    ModelPreset("llama3.1-8b", 8.03e9, 8.03e9, 15e12, 32, 4096, 8192,
                "Llama 3.1 model card (15T+ tokens) and Llama 3 paper, Table 3"),
    ModelPreset("llama3.1-70b", 70.6e9, 70.6e9, 15e12, 80, 8192, 8192,
                "Llama 3.1 model card (15T+ tokens) and Llama 3 paper, Table 3"),
    ModelPreset("llama3.1-405b", 405e9, 405e9, 15.6e12, 126, 16384, 8192,
                "Llama 3 team 2024 ('The Llama 3 Herd of Models'), Tables 3-4"),
    ModelPreset("falcon-180b", 180e9, 180e9, 3.5e12, 80, 14848, 2048, "Almazrouei et al. 2023 (Falcon)"),
    ModelPreset("mpt-7b", 6.7e9, 6.7e9, 1.0e12, 32, 4096, 2048, "MosaicML 2023, 'Introducing MPT-7B'"),
    ModelPreset("deepseek-v3", 671e9, 37e9, 14.8e12, 61, 7168, 4096,
                "DeepSeek-AI 2024 (DeepSeek-V3 technical report): 671B total, 37B active per token"),
)
# fmt: on
PRESETS: dict[str, ModelPreset] = {p.name: p for p in _PRESETS}


#: Sequence length assumed when neither the preset nor the user gives one (Llama 2's 4,096; the range of
#: recent pre-training runs is 2,048-8,192). Said in the plan's header when used.
DEFAULT_SEQ_LEN = 4096
#: Width-to-depth ratio of the shape rule: hidden / layers = 128 (LLaMA 7B 4096/32, 13B 5120/40,
#: Llama 3 405B 16384/126, Nemotron-4 340B 18432/96 ~ 128-190; Kaplan et al. 2020 find loss flat
#: over 50-200).
HIDDEN_PER_LAYER = 128


def shape_from_params(params: float) -> tuple[int, int]:
    """(layers, hidden) of a standard decoder with `params` parameters: N = 12·L·d² (Kaplan et al. 2020,
    Table 1) and d = HIDDEN_PER_LAYER·L, so d = (HIDDEN_PER_LAYER·N / 12)^(1/3), rounded to 128."""
    hidden = max(128, round((HIDDEN_PER_LAYER * params / 12.0) ** (1 / 3) / 128) * 128)
    layers = max(1, round(params / (12.0 * hidden * hidden)))
    return layers, hidden


@dataclass(frozen=True)
class Workload:
    """A training run. `params` counts every parameter (memory); `active_params` those each token uses
    (fewer for mixture-of-experts). `layers`/`hidden` set the attention FLOPs and the efficiency curve;
    `shape_source` says where they came from ("preset", "given" or "rule")."""

    def __deepcopy__(self, memo: dict[int, object]) -> object:
        """Immutable: pandas deep-copies ``DataFrame.attrs`` on every operation; sharing is safe and cheap."""
        return self

    label: str
    params: float | None
    active_params: float | None
    tokens: float | None
    flops: float
    attention_flops: float = 0.0
    seq_len: int | None = None
    flops_given: bool = False  # FLOPs were given, not counted as 6·N·D
    layers: int | None = None
    hidden: int | None = None
    shape_source: str = "rule"
    teacher_params: float | None = None
    teacher_flops: float = 0.0
    seq_len_assumed: bool = False

    @property
    def is_moe(self) -> bool:
        return bool(self.params and self.active_params and self.active_params < self.params)

    @property
    def state_bytes(self) -> float | None:
        """Model states for mixed-precision Adam (assumptions.BYTES_PER_PARAM_STATES per parameter), plus a
        distillation teacher's bf16 weights (2 bytes per parameter)."""
        from costcmp.planner.assumptions import BYTES_PER_PARAM_STATES

        if self.params is None:
            return None
        return BYTES_PER_PARAM_STATES * self.params + 2.0 * (self.teacher_params or 0.0)


def resolve_preset(name: str) -> ModelPreset:
    key = arguments.name(name, "model").strip().lower()
    if key not in PRESETS:
        raise UnknownNameError("model preset", name, PRESETS, param="model")
    return PRESETS[key]


def _whole(name: str, value: int | None) -> None:
    if value is not None:
        arguments.whole(value, name, 1, 10_000_000)


def build_workload(
    *,
    model: str | None = None,
    params: str | float | None = None,
    active_params: str | float | None = None,
    tokens: str | float | None = None,
    flops: str | float | None = None,
    chinchilla: bool = False,
    seq_len: int | None = None,
    layers: int | None = None,
    hidden: int | None = None,
    teacher_params: str | float | None = None,
) -> Workload:
    """Turn the user's description of a run into a Workload, with one clear error for each gap.

    FLOPs = 6·N_active·D (Kaplan et al. 2020) + 12·L·d·S·D attention (PaLM App. B) + 2·N_teacher·D for a
    distillation teacher's forward passes. Memory counts every parameter (N_total)."""
    preset = resolve_preset(model) if model is not None else None
    n_total = parse_quantity(params, "params") if params is not None else (preset.params if preset else None)
    if active_params is not None:
        n_active: float | None = parse_quantity(active_params, "active_params")
        if n_total is None:
            raise InvalidParameterError("active_params", "needs params (the total, which sets the memory)")
        if n_active > n_total:  # type: ignore[operator]
            raise ConflictingParametersError(
                "active_params", "params", "conflict: the active parameters cannot exceed the total"
            )
    else:
        n_active = preset.active_params if preset and params is None else n_total
    n_teacher = parse_quantity(teacher_params, "teacher_params") if teacher_params is not None else None
    chinchilla = arguments.boolean(chinchilla, "chinchilla")
    if tokens is not None and chinchilla:
        raise ConflictingParametersError("tokens", "chinchilla", "conflict: chinchilla sets the tokens; give one")
    if chinchilla:
        if n_active is None:
            raise InvalidParameterError("chinchilla", "needs params or a model preset (tokens = 20 x parameters)")
        n_tokens: float | None = CHINCHILLA_TOKENS_PER_PARAM * n_active
    elif tokens is not None:
        n_tokens = parse_quantity(tokens, "tokens")
    else:
        n_tokens = preset.tokens if preset else None
    for name, value in (("seq_len", seq_len), ("layers", layers), ("hidden", hidden)):
        _whole(name, value)
    if flops is not None:
        if tokens is not None and n_active is not None:
            raise ConflictingParametersError(
                "flops", "tokens", "conflict with params: flops = 6 x params x tokens; give two of the three"
            )
        if n_teacher is not None:
            raise ConflictingParametersError("flops", "teacher_params", "conflict: flops given count everything")
        total = parse_quantity(flops, "flops")
        if tokens is None and not chinchilla and n_active is not None:
            n_tokens = total / (6.0 * n_active)  # the FLOPs decide; a preset's token count does not
        label = _label(preset, params, n_total) if preset else f"{short_number(total)} FLOPs"
        shape = _shape(preset, params, n_active, layers, hidden)
        return Workload(label, n_total, n_active, n_tokens, total, 0.0, seq_len, True, *shape)
    if n_active is None:
        raise InvalidParameterError(
            "params",
            "is missing: describe the run by a model preset, by params with tokens (or chinchilla), or by flops",
        )
    if n_tokens is None:
        hint = f" ({preset.name} publishes none)" if preset else ""
        raise InvalidParameterError("tokens", f"is missing: how many training tokens? give tokens or chinchilla{hint}")
    n_layers, width, source = _shape(preset, params, n_active, layers, hidden)
    seq = seq_len or (preset.seq_len if preset and preset.seq_len else None)
    assumed = seq is None
    seq = seq or DEFAULT_SEQ_LEN
    attention = 12.0 * (n_layers or 0) * (width or 0) * seq * n_tokens
    teacher = 2.0 * n_teacher * n_tokens if n_teacher else 0.0
    label = _label(preset, params, n_total) if preset else f"{short_number(n_total or n_active)} params"
    total = 6.0 * n_active * n_tokens + attention + teacher
    return Workload(
        label, n_total, n_active, n_tokens, total, attention, seq, False, n_layers, width, source, n_teacher, teacher,
        assumed,
    )  # fmt: skip


def _shape(
    preset: ModelPreset | None, params: object, n_active: float | None, layers: int | None, hidden: int | None
) -> tuple[int | None, int | None, str]:
    """Layers and hidden size: the user's, else the preset's (unless params overrides its size), else the
    shape rule from the active parameters."""
    if layers and hidden:
        return layers, hidden, "given"
    if preset and params is None and preset.layers and preset.hidden:
        return layers or preset.layers, hidden or preset.hidden, "preset"
    if n_active is None:
        return layers, hidden, "rule"
    rule_layers, rule_hidden = shape_from_params(n_active)
    return layers or rule_layers, hidden or rule_hidden, "rule"


def _label(preset: ModelPreset, params: object, n_total: float | None) -> str:
    """The preset's name, saying so when the user's params override the preset's."""
    if params is None or n_total is None:
        return preset.name
    return f"{preset.name} with params overridden to {short_number(n_total)}"
