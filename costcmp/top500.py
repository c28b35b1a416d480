"""Top500 lists, declared with their sources, and where an estimated Linpack Rmax would place.

Rmax in TFLOP/s. Confidence: C = the exact figure read in a source (top500.org pages and a published
transcript of the Nov 2020 list); T = only the rounded PF value top500.org's text gives; M = exact
figure from memory, unconfirmed. Each list's `source` names its pages.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    rank: int
    system: str
    site: str
    rmax_tflops: float
    confidence: str


@dataclass(frozen=True)
class Top500List:
    name: str
    source: str
    entries: tuple[Entry, ...]


# fmt: off
LISTS: tuple[Top500List, ...] = (
    Top500List("Nov 2019", "top500.org/lists/top500/2019/11", (
        Entry(1, "Summit", "ORNL", 148_600.0, "C"),
        Entry(2, "Sierra", "LLNL", 94_640.0, "C"),
        Entry(3, "Sunway TaihuLight", "NSC Wuxi", 93_014.6, "C"),
        Entry(4, "Tianhe-2A", "NSC Guangzhou", 61_444.5, "C"),
        Entry(5, "Frontera", "TACC", 23_516.4, "C"),
        Entry(6, "Piz Daint", "CSCS", 21_230.0, "T"),
        Entry(7, "Trinity", "LANL/SNL", 20_158.7, "T"),
        Entry(8, "ABCI", "AIST", 19_880.0, "M"),
        Entry(9, "SuperMUC-NG", "LRZ", 19_476.6, "C"),
        Entry(10, "Lassen", "LLNL", 18_200.0, "T"),
    )),
    Top500List("Jun 2020", "top500.org/lists/top500/2020/06", (
        Entry(1, "Fugaku", "RIKEN R-CCS", 415_530.0, "T"),
        Entry(2, "Summit", "ORNL", 148_600.0, "C"),
        Entry(3, "Sierra", "LLNL", 94_640.0, "C"),
        Entry(4, "Sunway TaihuLight", "NSC Wuxi", 93_014.6, "C"),
        Entry(5, "Tianhe-2A", "NSC Guangzhou", 61_444.5, "C"),
        Entry(6, "HPC5", "Eni", 35_450.0, "C"),
        Entry(7, "Selene", "NVIDIA", 27_580.0, "T"),
        Entry(8, "Frontera", "TACC", 23_516.4, "C"),
        Entry(9, "Marconi-100", "CINECA", 21_640.0, "T"),
        Entry(10, "Piz Daint", "CSCS", 21_230.0, "M"),
    )),
    Top500List("Nov 2025", "insidehpc.com 2025/11 (66th list); #5 not confirmed, left out", (
        Entry(1, "El Capitan", "LLNL", 1_809_000.0, "T"),
        Entry(2, "Frontier", "ORNL", 1_353_000.0, "T"),
        Entry(3, "Aurora", "ANL", 1_012_000.0, "T"),
        Entry(4, "JUPITER Booster", "EuroHPC/FZJ", 1_000_000.0, "T"),
    )),
)
# fmt: on

#: Linpack efficiency (Rmax / Rpeak) assumed for a GPU cluster: Summit's, 148,600 / 200,794.9 TFLOP/s
#: on the Nov 2019 and Jun 2020 lists (V100, like the motivating case).
HPL_EFFICIENCY = 148_600.0 / 200_794.9


def placement(rmax_tflops: float, top: Top500List) -> str:
    """Where an Rmax would rank on a list: '#5 (above Frontera, 23.5 PF)' or 'below #10 (18.2 PF)'."""
    above = [e for e in top.entries if e.rmax_tflops >= rmax_tflops]  # a tie keeps the holder ahead
    if len(above) == len(top.entries):
        last = top.entries[-1]
        return f"below #{last.rank} ({last.rmax_tflops / 1000:,.1f} PF)"
    beaten = top.entries[len(above)]
    return f"#{len(above) + 1} (above {beaten.system}, {beaten.rmax_tflops / 1000:,.1f} PF)"
