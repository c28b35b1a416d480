"""What is being trained: parameters, tokens and training FLOPs, from a preset or from numbers.

Training FLOPs follow the standard dense-transformer estimate C = 6·N·D (forward 2·N·D, backward
4·N·D; Kaplan et al. 2020), with N the *active* parameters per token for mixture-of-experts models.
When the sequence length is given, the attention term of PaLM's Appendix B is added: 12·L·d·S FLOPs
per token for L layers of width d at sequence length S (Chowdhery et al. 2022).
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Workload:
    """A training run. `params` counts every parameter (memory); `active_params` those each token uses."""

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

    @property
    def state_bytes(self) -> float | None:
        """Model states for mixed-precision Adam, see assumptions.BYTES_PER_PARAM_STATES."""
        from costcmp.planner.assumptions import BYTES_PER_PARAM_STATES

        return None if self.params is None else BYTES_PER_PARAM_STATES * self.params


def resolve_preset(name: str) -> ModelPreset:
    key = name.strip().lower()
    if key not in PRESETS:
        raise UnknownNameError("model preset", name, PRESETS, param="model")
    return PRESETS[key]


def build_workload(
    *,
    model: str | None = None,
    params: str | float | None = None,
    tokens: str | float | None = None,
    flops: str | float | None = None,
    chinchilla: bool = False,
    seq_len: int | None = None,
    layers: int | None = None,
    hidden: int | None = None,
) -> Workload:
    """Turn the user's description of a run into a Workload, with one clear error for each gap."""
    preset = resolve_preset(model) if model else None
    n_total = parse_quantity(params, "params") if params is not None else (preset.params if preset else None)
    n_active = preset.active_params if preset and params is None else n_total
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
        if value is not None and (isinstance(value, bool) or int(value) != value or not 0 < value <= 10_000_000):
            raise InvalidParameterError(name, f"must be a whole number from 1 to 10,000,000 (got {value})")
    if flops is not None:
        if tokens is not None and n_active is not None:
            raise ConflictingParametersError(
                "flops", "tokens", "conflict with params: flops = 6 x params x tokens; give two of the three"
            )
        total = parse_quantity(flops, "flops")
        if n_tokens is None and n_active is not None:
            n_tokens = total / (6.0 * n_active)
        label = _label(preset, params, n_total) if preset else f"{short_number(total)} FLOPs"
        return Workload(label, n_total, n_active, n_tokens, total, 0.0, seq_len, flops_given=True)
    if n_active is None:
        raise InvalidParameterError(
            "params",
            "is missing: describe the run by a model preset, by params with tokens (or chinchilla), or by flops",
        )
    if n_tokens is None:
        hint = f" ({preset.name} publishes none)" if preset else ""
        raise InvalidParameterError("tokens", f"is missing: how many training tokens? give tokens or chinchilla{hint}")
    attention = 0.0
    if seq_len is not None:
        n_layers = layers or (preset.layers if preset else None)
        width = hidden or (preset.hidden if preset else None)
        if not n_layers or not width:
            raise InvalidParameterError("seq_len", "needs layers and hidden too (the attention term 12·L·d·S)")
        attention = 12.0 * n_layers * width * seq_len * n_tokens
    label = _label(preset, params, n_total) if preset else f"{short_number(n_total or n_active)} params"
    total = 6.0 * n_active * n_tokens + attention
    return Workload(label, n_total, n_active, n_tokens, total, attention, seq_len)


def _label(preset: ModelPreset, params: object, n_total: float | None) -> str:
    """The preset's name, saying so when the user's params override the preset's."""
    if params is None or n_total is None:
        return preset.name
    return f"{preset.name} with params overridden to {short_number(n_total)}"
