"""Configurations refuse a bad field at once and name it, instead of failing in the middle of a run."""
from __future__ import annotations

import pytest

from kernelgym.grader import GraderConfig
from kernelgym.sandbox.isolation import Limits


@pytest.mark.parametrize("field, value", [("seeds", 0), ("seeds", 1.5), ("workers", 0), ("timing_repeats", -1),
                                          ("timeout_s", 0), ("timeout_s", "60"), ("device", "gpu"),
                                          ("target", ("cuda", 90)), ("target", ("metal", 1, 32)), ("seed", "7"),
                                          ("tag", "<answer>"), ("memory_budget_mb", 0), ("limits", {})])
def test_grader_config_names_the_bad_field(field, value):
    with pytest.raises(ValueError, match=f"GraderConfig.{field} "):
        GraderConfig(**{field: value})


@pytest.mark.parametrize("field", ["memory_mb", "cpu_seconds", "processes", "disk_mb"])
def test_limits_refuse_a_limit_that_is_not_positive(field):
    with pytest.raises(ValueError, match=f"Limits.{field} "):
        Limits(**{field: 0})


def test_the_defaults_and_documented_values_are_accepted():
    GraderConfig()
    GraderConfig(target=("hip", "gfx942", 64), device="cpu", seed=0, tag="answer", workers=1,
                 limits=Limits(gpu_memory_mb=2048))
