"""`costcmp cluster`: instances, cores, CPU top-up, network, cost horizons and Top500 placement."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest

from costcmp.cli import main
from costcmp.cluster import CLUSTER_PRESETS, cluster_costs, threads_per_core, with_cores
from costcmp.top500 import HPL_EFFICIENCY, LISTS, placement
from tests.conftest import make_offer

NOV_2019, JUN_2020, NOV_2025 = LISTS


def cpu_offer(instance_type: str, vcpus: int, usd_per_hour: float, **overrides: object) -> dict[str, object]:
    row = {
        "instance_type": instance_type,
        "gpu": "",
        "gpu_count": 0,
        "gpu_memory_gb": float("nan"),
        "vcpus": vcpus,
        "memory_gb": 256.0,
        "network_gbps": 50.0,
        "usd_per_hour": usd_per_hour,
        "usd_per_gpu_hour": float("nan"),
    }
    row.update(overrides)
    return make_offer(**row)


@pytest.fixture
def offers() -> pd.DataFrame:
    return pd.DataFrame(
        [
            make_offer(),  # p5.48xlarge: 8 x H100, 192 vCPUs, $55.04/h on-demand
            make_offer(pricing="spot", usd_per_hour=20.0, usd_per_gpu_hour=2.5),
            cpu_offer("c6i.32xlarge", 128, 5.44),  # 64 cores: $0.085/core-h
            cpu_offer("c7a.48xlarge", 192, 9.85344),  # one thread per core, 192 cores: $0.0513
            cpu_offer("c7a.48xlarge", 192, 0.01, region="us-west-2"),  # cheaper, but another region
        ]
    )


def on_demand(table: pd.DataFrame) -> pd.Series:
    return table[table["pricing"] == "on_demand"].iloc[0]


def test_cores_per_vcpu_by_family() -> None:
    assert threads_per_core("aws", "c7a.48xlarge") == 1
    assert threads_per_core("aws", "c6i.32xlarge") == 2
    assert threads_per_core("aws", "p5.48xlarge") == 2
    assert threads_per_core("azure", "Standard_HB120rs_v3") == 1
    assert threads_per_core("azure", "Standard_D96s_v5") == 2


def test_core_price_only_for_cpu_rows(offers: pd.DataFrame) -> None:
    table = with_cores(offers).set_index(["instance_type", "region", "pricing"])
    assert table.loc[("c6i.32xlarge", "us-east-1", "on_demand"), "cores"] == 64
    assert table.loc[("c6i.32xlarge", "us-east-1", "on_demand"), "usd_per_core_hour"] == pytest.approx(0.085)
    assert table.loc[("c7a.48xlarge", "us-east-1", "on_demand"), "cores"] == 192
    assert table.loc[("p5.48xlarge", "us-east-1", "on_demand"), "cores"] == 96
    assert math.isnan(table.loc[("p5.48xlarge", "us-east-1", "on_demand"), "usd_per_core_hour"])


def test_partial_instance_rounds_up_and_says_so(offers: pd.DataFrame) -> None:
    row = on_demand(cluster_costs(offers, gpu="h100", gpus=10))
    assert (row["gpu_instances"], row["gpus"], row["gpu_cores"]) == (2, 16, 192)
    assert row["cpu_instances"] == 0 and row["usd_per_hour"] == pytest.approx(2 * 55.04)
    assert "6 GPUs more than asked" in row["notes"]


def test_cpu_top_up_is_cheapest_per_core_in_the_same_region(offers: pd.DataFrame) -> None:
    row = on_demand(cluster_costs(offers, gpu="H100", gpus=16, cpu_cores=1000))
    # 2 GPU servers bring 192 cores; 808 remain -> ceil(808 / 192) = 5 x c7a (not the us-west-2 one).
    assert row["cpu_instance_type"] == "c7a.48xlarge" and row["cpu_instances"] == 5
    assert row["total_cores"] == 192 + 5 * 192
    assert row["usd_per_hour"] == pytest.approx(2 * 55.04 + 5 * 9.85344)
    assert row["usd_per_month"] == pytest.approx(row["usd_per_hour"] * 730)
    assert row["usd_per_year"] == pytest.approx(row["usd_per_hour"] * 8760)
    assert row["usd_3y"] == pytest.approx(row["usd_per_hour"] * 3 * 8760)


def test_gpu_cores_can_cover_the_cpu_need(offers: pd.DataFrame) -> None:
    row = on_demand(cluster_costs(offers, gpu="H100", gpus=16, cpu_cores=150))
    assert row["cpu_instances"] == 0 and row["total_cores"] == 192


def test_spot_gpus_top_up_at_on_demand_when_no_spot_cpu(offers: pd.DataFrame) -> None:
    table = cluster_costs(offers, gpu="H100", gpus=8, cpu_cores=500)
    spot = table[table["pricing"] == "spot"].iloc[0]
    assert spot["cpu_instance_type"] == "c7a.48xlarge"
    assert spot["usd_per_hour"] == pytest.approx(20.0 + 3 * 9.85344)
    assert "CPU at on-demand (no spot CPU rate)" in spot["notes"]


def test_region_without_cpu_prices_leaves_cost_unknown() -> None:
    offers = pd.DataFrame([make_offer(region="eu-west-1")])
    row = cluster_costs(offers, gpu="H100", gpus=8, cpu_cores=500).iloc[0]
    assert math.isnan(row["usd_per_hour"]) and "CPU top-up not priced" in row["notes"]


@pytest.mark.parametrize(("required", "ok", "note"), [(400, True, ""), (3200, True, ""), (6400, False, "below")])
def test_network_requirement_flags_slow_servers(offers: pd.DataFrame, required: float, ok: bool, note: str) -> None:
    row = on_demand(cluster_costs(offers, gpu="H100", gpus=8, network_gbps=required))
    assert bool(row["network_ok"]) is ok and note in row["notes"]


def test_peak_and_rmax_for_ten_thousand_v100s(shipped_offers: pd.DataFrame) -> None:
    row = cluster_costs(shipped_offers, gpu="V100-32GB", gpus=10_000).iloc[0]
    assert row["fp64_pflops"] == pytest.approx(78.0)  # 7.8 TFLOP/s FP64 per V100 SXM2
    assert row["bf16_pflops"] == pytest.approx(1250.0)  # 125 TFLOP/s FP16 tensor
    assert row["rmax_pflops_est"] == pytest.approx(78.0 * 148_600 / 200_794.9)
    assert row["top500_nov_2019"] == "#5 (above Frontera, 23.5 PF)"
    assert row["top500_jun_2020"] == "#6 (above HPC5, 35.5 PF)"
    assert row["top500_nov_2025"].startswith("below #4")


def test_summit_efficiency_is_documented() -> None:
    assert round(HPL_EFFICIENCY, 3) == 0.740


@pytest.mark.parametrize(
    ("rmax_tflops", "top", "expected"),
    [
        (200_000.0, NOV_2019, "#1 (above Summit, 148.6 PF)"),
        (148_600.0, NOV_2019, "#2 (above Sierra, 94.6 PF)"),  # a tie does not beat the holder
        (23_000.0, NOV_2019, "#6 (above Piz Daint, 21.2 PF)"),  # the brief's "> 23,000": just short of #5
        (23_600.0, NOV_2019, "#5 (above Frontera, 23.5 PF)"),
        (1_000.0, NOV_2019, "below #10 (18.2 PF)"),
        (500_000.0, JUN_2020, "#1 (above Fugaku, 415.5 PF)"),
        (1_500_000.0, NOV_2025, "#2 (above Frontier, 1,353.0 PF)"),
    ],
)
def test_top500_placement_on_known_figures(rmax_tflops: float, top: object, expected: str) -> None:
    assert placement(rmax_tflops, top) == expected  # type: ignore[arg-type]


def test_lists_are_ranked_and_sourced() -> None:
    assert [top.name for top in LISTS] == ["Nov 2019", "Jun 2020", "Nov 2025"]
    for top in LISTS:
        assert top.source
        rmax = [entry.rmax_tflops for entry in top.entries]
        assert rmax == sorted(rmax, reverse=True)
        assert [entry.rank for entry in top.entries] == list(range(1, len(rmax) + 1))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_preset_prices_the_2020_cluster_from_the_snapshot(
    capsys: pytest.CaptureFixture[str], shipped_offers: pd.DataFrame
) -> None:
    preset = CLUSTER_PRESETS["msft-openai-2020"]
    assert (preset.gpu, preset.gpus, preset.cpu_cores, preset.network_gbps) == (
        "V100-32GB",
        10_000,
        285_000,
        400,
    )
    code, out, _ = run(capsys, "cluster", "--cluster-preset", "msft-openai-2020", "--format", "csv")
    assert code == 0
    table = pd.read_csv(io.StringIO(out))
    assert {"aws", "azure"} <= set(table["provider"])
    row = table[
        (table["provider"] == "azure") & (table["region"] == "eastus") & (table["pricing"] == "on_demand")
    ].iloc[0]
    prices = shipped_offers.set_index(["provider", "region", "instance_type", "pricing"])["usd_per_hour"]
    nd40 = prices[("azure", "eastus", "Standard_ND40rs_v2", "on_demand")]
    hb120 = prices[("azure", "eastus", "Standard_HB120rs_v3", "on_demand")]
    # 1,250 NDv2 servers bring 50,000 cores; 235,000 remain -> ceil(235,000 / 120) = 1,959 HBv3.
    assert (row["gpu_instances"], row["cpu_instance_type"], row["cpu_instances"]) == (
        1250,
        "Standard_HB120rs_v3",
        1959,
    )
    assert row["usd_per_year"] == pytest.approx((1250 * nd40 + 1959 * hb120) * 8760)
    assert row["total_cores"] == 1250 * 40 + 1959 * 120
    hb120_row = shipped_offers[shipped_offers["instance_type"] == "Standard_HB120rs_v3"].iloc[0]
    assert (row["cpu_as_of"], row["cpu_source"]) == (hb120_row["as_of"], hb120_row["source"])
    assert table["source"].notna().all() and table["as_of"].notna().all()
    assert not table["network_ok"].any()  # every V100 server has 100 Gbps, not 400
    assert (table["top500_nov_2019"] == "#5 (above Frontera, 23.5 PF)").all()


def test_cluster_table_output_reads_well(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cluster", "--cluster-preset", "msft-openai-2020", "--provider", "azure")
    assert code == 0
    for words in ("Top500 Nov 2019: #5", "Estimated Linpack Rmax 57.7", "$/year", "Preset source: Microsoft"):
        assert words in out


def test_missing_reserved_kind_warns(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["cluster", "--gpu", "H100", "--gpus", "16384", "--provider", "aws,azure"]
    code, out, err = run(capsys, *args, "--pricing", "on_demand,reserved_3y")
    assert code == 0 and "no reserved_3y prices in the data for H100" in err
    code, out, _ = run(capsys, *args, "--pricing", "reserved_3y", "--commit-discount", "3y=50%", "--format", "csv")
    table = pd.read_csv(io.StringIO(out))
    assert code == 0 and set(table["pricing"]) == {"reserved_3y"} and (table["gpus"] == 16384).all()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["cluster"], "--gpu is missing"),
        (["cluster", "--gpu", "H100"], "--gpus is missing"),
        (["cluster", "--gpu", "H100", "--gpus", "0"], "--gpus must be"),
        (["cluster", "--gpu", "H100", "--gpus", "1e30"], "--gpus must be at most"),
        (["cluster", "--gpu", "H100", "--gpus", "8.5"], "--gpus must be a whole number"),
        (["cluster", "--gpu", "H100", "--gpus", "8", "--cpu-cores", "-1"], "--cpu-cores must be a whole number"),
        (["cluster", "--gpu", "H100", "--gpus", "8", "--hpl-efficiency", "2"], "--hpl-efficiency"),
        (["cluster", "--gpu", "H100", "--gpus", "8", "--hpl-efficiency", "0"], "--hpl-efficiency"),
        (["cluster", "--gpu", "H100", "--gpus", "8", "--network-gbps", "-1"], "--network-gbps must be > 0"),
        (["prices", "--cpu", "--sort", "nope"], "usd_per_core_hour"),
        (["cluster", "--cluster-preset", "summit"], "msft-openai-2020"),
        (["cluster", "--gpu", "H900", "--gpus", "8"], "H900"),
        (["prices", "--cpu", "--gpu", "H100"], "--cpu and --gpu conflict"),
    ],
)
def test_bad_input_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], words: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and words in err


def test_prices_cpu_lists_cores_and_core_price(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "prices", "--cpu", "--format", "csv")
    table = pd.read_csv(io.StringIO(out))
    assert code == 0 and len(table) >= 6 and (table["gpu_count"] == 0).all()
    assert {"aws", "azure"} <= set(table["provider"])
    assert table["usd_per_core_hour"].is_monotonic_increasing
    assert table["usd_per_core_hour"].to_numpy() == pytest.approx(table["usd_per_hour"] / table["cores"])
    code, out, _ = run(capsys, "prices", "--format", "csv")
    assert (pd.read_csv(io.StringIO(out))["gpu_count"] > 0).all()  # GPU offers unless --cpu


@pytest.mark.parametrize("width", [100, 200])
def test_cluster_table_fits_the_terminal_and_says_shared_notes_once(shipped_offers: pd.DataFrame, width: int) -> None:
    from rich.console import Console

    from costcmp.render.cluster_view import cluster_costs_table as render_table

    table = cluster_costs(shipped_offers, gpu="V100-32GB", gpus=10_000, cpu_cores=285_000, network_gbps=400)
    buffer = io.StringIO()
    render_table(Console(file=buffer, width=width, color_system=None), table, title="t")
    text = buffer.getvalue()
    assert max(len(line) for line in text.splitlines()) <= width
    assert text.count("below 400") == 1 and "Every offer: network 100 Gbps per GPU server, below 400." in text
    assert "Not priced" not in text  # CPU offers in every region the tables price (snapshot 2026-12)
    assert "$303.03M" in text  # azure eastus on-demand, per year
    assert ("narrow terminal" in text) is (width == 100)


def test_price_cluster_is_the_library_entry_point(shipped_offers: pd.DataFrame) -> None:
    import costcmp

    table = costcmp.price_cluster(preset="msft-openai-2020", provider="azure", offers=shipped_offers)
    assert table.attrs["request"]["gpus"] == 10_000 and table.attrs["request"]["preset"] == "msft-openai-2020"
    assert set(table["provider"]) == {"azure"} and (table["gpu"] == "V100-32GB").all()
    reserved = costcmp.price_cluster(
        gpu="H100", gpus=64, pricing="reserved_1y", offers=shipped_offers, commit_discounts={"reserved_1y": 0.3}
    )
    assert set(reserved["pricing"]) == {"reserved_1y"} and reserved.attrs["missing_pricing"] == []
    empty = costcmp.price_cluster(gpu="H100", gpus=8, provider="aws", pricing="reserved_3y", offers=shipped_offers)
    assert empty.empty and empty.attrs["missing_pricing"] == ["reserved_3y"]
