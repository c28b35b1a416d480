"""Options several commands share, declared once, and the value types that check them at parse time."""

from __future__ import annotations

import argparse
import math
from typing import Any

from costcmp.errors import shown
from costcmp.providers import PROVIDERS
from costcmp.schema import PRICING_KINDS


def finite_float(text: str) -> float:
    """A finite number (argparse type): 'nan' and 'inf' are refused here, ranges by the library."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {shown(text)}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {shown(text)}")
    return value


def whole_number(text: str) -> int:
    """A whole number (argparse type), no thousands separators."""
    try:
        return int(text.strip().replace("_", ""))
    except ValueError:
        hint = " (no thousands separators)" if "," in text else ""
        raise argparse.ArgumentTypeError(f"not a whole number: {shown(text)}{hint}") from None


def add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", "-f", dest="fmt", choices=("table", "csv", "json"), default="table",
        help="table (terminal), csv or json (default: table).",
    )  # fmt: skip
    parser.add_argument(
        "--output", "-o", metavar="FILE",
        help="Write to FILE instead of standard output (written whole or not at all; - is standard output).",
    )  # fmt: skip


def add_cache_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cache-dir", metavar="DIR",
        help="User cache directory (default: $COSTCMP_CACHE_DIR, else the platform's user cache). The shipped "
        "snapshot is used when it holds nothing newer.",
    )  # fmt: skip


def add_offer_filters(
    parser: argparse.ArgumentParser, *, gpu_help: str, pricing: bool = True, with_gpu: bool = True
) -> None:
    """--gpu, --provider, --region (and --pricing): repeatable, comma lists accepted."""
    if with_gpu:
        parser.add_argument("--gpu", "-g", action="append", metavar="GPU", help=gpu_help)
    parser.add_argument(
        "--provider", "-p", action="append", metavar="NAME", help=f"{', '.join(PROVIDERS)} (several allowed)."
    )
    parser.add_argument("--region", "-r", action="append", metavar="CODE", help="Region code(s): us-east-1, eastus...")
    if pricing:
        parser.add_argument(
            "--pricing", action="append", metavar="KIND",
            help=f"{', '.join(PRICING_KINDS)} (default: all in the data).",
        )  # fmt: skip


def add_commit_discount(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--commit-discount", metavar="TERMS",
        help="Estimate reserved rates from on-demand where none is published: 1y=35%%,3y=55%%.",
    )  # fmt: skip


def add_workload(parser: argparse.ArgumentParser) -> None:
    """What is trained: a preset, or parameters and tokens, or FLOPs."""
    parser.add_argument("--model", "-m", metavar="PRESET", help="A preset: see `costcmp models`.")
    parser.add_argument("--params", metavar="N", help="Parameters: 7B, 70e9 ... (overrides the preset's).")
    parser.add_argument(
        "--active-params", metavar="N", help="Mixture of experts: parameters each token uses (37B of 671B)."
    )
    parser.add_argument(
        "--teacher-params", metavar="N", help="Distillation: the teacher's parameters (adds its forward passes)."
    )
    parser.add_argument("--tokens", metavar="N", help="Training tokens: 300B, 1.4T ...")
    parser.add_argument("--flops", metavar="N", help="Total training FLOPs (instead of 6·N·D).")
    parser.add_argument("--chinchilla", action="store_true", help="Tokens = 20 x parameters.")


def workload_args(args: argparse.Namespace) -> dict[str, Any]:
    """The planner's workload keywords from the options `add_workload` declared."""
    names = ("model", "params", "active_params", "teacher_params", "tokens", "flops", "chinchilla")
    return {name: getattr(args, name) for name in names}
