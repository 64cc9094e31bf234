"""Output comparison in the grader: shape, dtype, NaN/inf-aware closeness; raw bytes only."""
import pytest
import torch

from kernelgym.compare import Malformed, compare_outputs, decode


def test_close_values_pass_and_report_error():
    ref = torch.tensor([1.0, 2.0, 3.0])
    result = compare_outputs([ref], [ref + 1e-6], atol=1e-5, rtol=0)
    assert result.ok and result.max_abs_error == pytest.approx(1e-6, rel=0.5)


def test_nan_must_match_nan():
    ref = torch.tensor([1.0, float("nan")])
    assert compare_outputs([ref], [ref.clone()], 1e-5, 1e-5).ok
    assert not compare_outputs([ref], [torch.tensor([1.0, 0.0])], 1e-5, 1e-5).ok
    assert not compare_outputs([torch.tensor([1.0, 0.0])], [ref], 1e-5, 1e-5).ok


def test_infinities_must_match():
    ref = torch.tensor([float("inf"), 1.0])
    assert not compare_outputs([ref], [torch.tensor([-float("inf"), 1.0])], 1e-5, 1e-5).ok


def test_shape_and_dtype_are_checked():
    ref = torch.zeros(2, 3)
    assert "shape" in compare_outputs([ref], [torch.zeros(3, 2)], 1, 1).message
    assert "dtype" in compare_outputs([ref], [torch.zeros(2, 3, dtype=torch.float64)], 1, 1).message


def test_decode_round_trip_and_rejects_lies():
    t = torch.arange(6, dtype=torch.int64).reshape(2, 3)
    raw = t.reshape(-1).view(torch.uint8).numpy().tobytes()
    assert torch.equal(decode({"dtype": "int64", "shape": [2, 3]}, raw), t)
    with pytest.raises(Malformed):
        decode({"dtype": "int64", "shape": [2, 4]}, raw)
    with pytest.raises(Malformed):
        decode({"dtype": "object", "shape": [1]}, b"x")
