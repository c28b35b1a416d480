"""The provider registry: every provider fills every field, and everything provider-specific derives from it."""

from __future__ import annotations

import dataclasses
import math

import pytest

from costcmp.errors import UnknownNameError
from costcmp.providers import AWS, PROVIDERS, REGISTRY, CredentialOption, ProviderSpec, provider_spec


@pytest.mark.parametrize("name", PROVIDERS)
def test_every_registered_provider_fills_every_field(name: str) -> None:
    spec = REGISTRY[name]
    for field in dataclasses.fields(ProviderSpec):
        value = getattr(spec, field.name)
        assert value is not None and value != "" and value != () and value != frozenset(), field.name
        if isinstance(value, float):
            assert math.isfinite(value) and value > 0, field.name
    assert spec.regions == tuple(sorted(set(spec.regions))) and len(spec.regions) >= 10
    for option in spec.credential_options:
        assert option.flag.startswith("--") and option.key and option.env and option.help


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(ProviderSpec)])
def test_a_missing_value_fails_at_construction(field: str) -> None:
    empty = {str: "", tuple: (), frozenset: frozenset(), float: math.nan}
    value = getattr(AWS, field)
    blank = empty.get(type(value))
    with pytest.raises(TypeError, match=r"empty|lowercase"):
        dataclasses.replace(AWS, **{field: blank})


def test_a_provider_missing_a_field_cannot_be_declared() -> None:
    fields = {f.name: getattr(AWS, f.name) for f in dataclasses.fields(ProviderSpec)}
    del fields["spot_interruptions_per_instance_hour"]
    with pytest.raises(TypeError):
        ProviderSpec(**fields)  # type: ignore[call-arg]


def test_derived_tables_follow_the_registry() -> None:
    """The schema's provider list, the planner's spot default, the cluster's core rule and the plot markers
    all read the registry: a new record changes them all, with no second table to forget."""
    import pandas as pd

    from costcmp import schema
    from costcmp.cluster import threads_per_core
    from costcmp.planner.assumptions import Assumptions
    from costcmp.planner.core import spot_rates

    assert schema.PROVIDERS == PROVIDERS == tuple(REGISTRY)
    rates = spot_rates(pd.Series(list(PROVIDERS)), Assumptions())
    assert list(rates) == [REGISTRY[p].spot_interruptions_per_instance_hour for p in PROVIDERS]
    assert threads_per_core("aws", "c7a.48xlarge") == 1 and threads_per_core("aws", "p5.48xlarge") == 2
    assert threads_per_core("azure", "Standard_HB120rs_v3") == 1
    assert len({spec.plot_marker for spec in REGISTRY.values()}) == len(REGISTRY)


def test_regions_are_validated_with_did_you_mean() -> None:
    assert REGISTRY["aws"].validate_region(" US-East-1 ") == "us-east-1"
    with pytest.raises(UnknownNameError, match=r"Did you mean .*'us-east-1'") as caught:
        REGISTRY["aws"].validate_region("us-east-9")
    assert caught.value.param == "region"
    with pytest.raises(UnknownNameError, match="unknown azure region 'marsus'"):
        REGISTRY["azure"].validate_region("marsus")
    with pytest.raises(UnknownNameError, match="Valid providers: aws, azure"):
        provider_spec("gcpp")


def test_credential_options_reach_the_refresh_command() -> None:
    from costcmp.cli.app import build_parser

    text = build_parser().parse_args(["refresh"]).__dict__
    options = [o for spec in REGISTRY.values() for o in spec.credential_options]
    assert all(isinstance(o, CredentialOption) and o.key in text for o in options)
