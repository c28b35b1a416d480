"""The cost-versus-time picture of a report (matplotlib, an optional extra: `pip install 'costcmp[plot]'`)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from costcmp.errors import MissingExtraError
from costcmp.providers import REGISTRY

if TYPE_CHECKING:
    import pandas as pd


def cost_vs_time(plans: pd.DataFrame, pareto: pd.DataFrame, path: Path, *, title: str) -> Path:
    """Scatter of every plan that fits (days vs cost, cost on a log scale), one marker per provider,
    with the Pareto front drawn through the plans no other plan beats on both."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingExtraError(
            "the plot needs matplotlib: pip install 'costcmp[plot]' (the other report files were written)"
        ) from None

    fitting = plans[plans["fits"] & plans["cost_usd"].notna()]
    fig, ax = plt.subplots(figsize=(8, 5), dpi=120)
    for provider, group in fitting.groupby("provider", observed=True):
        ax.scatter(
            group["days"],
            group["cost_usd"],
            marker=REGISTRY[str(provider)].plot_marker,
            alpha=0.55,
            label=str(provider),
        )
    front = pareto.sort_values("days")
    ax.step(front["days"], front["cost_usd"], where="post", color="black", linewidth=1.2, label="Pareto front")
    ax.scatter(front["days"], front["cost_usd"], facecolors="none", edgecolors="black", s=70)
    ax.set_yscale("log")
    ax.set_xlabel("days to train")
    ax.set_ylabel("cost, USD (log scale)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    try:
        from costcmp.atomic import atomic_write_bytes

        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        atomic_write_bytes(path, buffer.getvalue())
    finally:
        plt.close(fig)
    return path
