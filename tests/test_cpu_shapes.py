"""A problem file sized for a GPU, without TEST_CASES, gets small valid CPU test cases with no flag.

The files here are written in KernelBench's style (module constants sized for a GPU, no KernelGym metadata).
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

from kernelgym.cpu_shapes import MAX_ELEMENTS
from kernelgym.problem import load_problem

AVG_POOL = '''import torch
import torch.nn as nn

class Model(nn.Module):
    def __init__(self, kernel_size: int):
        super().__init__()
        self.pool = nn.AvgPool2d(kernel_size=kernel_size)

    def forward(self, x):
        return self.pool(x)

batch_size = 16
channels = 64
height = 2048
width = 2048
kernel_size = 11

def get_inputs():
    return [torch.rand(batch_size, channels, height, width)]

def get_init_inputs():
    return [kernel_size]
'''
GROUPED_CONV = '''import torch
import torch.nn as nn

class Model(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, groups):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, groups=groups)

    def forward(self, x):
        return self.conv(x)

batch_size = 8
in_channels = 64
out_channels = 128
kernel_size = 3
groups = 8
height = 512
width = 256

def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]

def get_init_inputs():
    return [in_channels, out_channels, kernel_size, groups]
'''
ATTENTION = '''import torch
import torch.nn as nn

class Model(nn.Module):
    def __init__(self, embed_dim, num_heads):
        super().__init__()
        self.attn = nn.MultiheadAttention(embed_dim, num_heads, batch_first=True)

    def forward(self, x):
        return self.attn(x, x, x)[0]

batch_size = 32
seq_len = 2048
embed_dim = 1024
num_heads = 16

def get_inputs():
    return [torch.randn(batch_size, seq_len, embed_dim)]

def get_init_inputs():
    return [embed_dim, num_heads]
'''


def _elements(problem, case) -> int:
    init_inputs, inputs = problem.instantiate(case, 0)
    model = problem.build_model(init_inputs, 0)
    with torch.no_grad():
        out = model(*inputs)
    return sum(t.numel() for t in [*inputs, *(out if isinstance(out, (tuple, list)) else [out])])


@pytest.mark.parametrize("source", [AVG_POOL, GROUPED_CONV, ATTENTION], ids=["avg_pool", "grouped_conv", "attention"])
def test_a_gpu_sized_file_gets_small_cases_the_reference_runs(source, tmp_path):
    path = tmp_path / "problem.py"
    path.write_text(source)
    problem = load_problem(path)
    assert problem.cases_origin == "derived for CPU" and 2 <= len(problem.test_cases) <= 3
    for case in problem.test_cases:
        assert 0 < _elements(problem, case) <= 2 * MAX_ELEMENTS, case  # parameters come on top of the budget


def test_an_odd_size_is_among_the_cases(tmp_path):
    path = tmp_path / "problem.py"
    path.write_text(AVG_POOL)
    cases = load_problem(path).test_cases
    assert any(value % 2 for case in cases for value in case.values() if isinstance(value, int) and value > 2)


def test_set_overrides_still_win(tmp_path):
    path = tmp_path / "problem.py"
    path.write_text(AVG_POOL)
    problem = load_problem(path, overrides={"height": 33, "width": 40, "channels": 2, "batch_size": 1})
    assert problem.cases_origin == "--set"
    assert problem.test_cases == [{"height": 33, "width": 40, "channels": 2, "batch_size": 1}]


def test_a_file_already_small_keeps_its_sizes(tmp_path):
    path = tmp_path / "problem.py"
    path.write_text(AVG_POOL.replace("height = 2048", "height = 24").replace("width = 2048", "width = 24")
                    .replace("channels = 64", "channels = 3").replace("batch_size = 16", "batch_size = 2"))
    problem = load_problem(path)
    assert problem.cases_origin == "the file's own sizes" and problem.test_cases == [{}]


def test_check_json_shows_the_derived_cases(tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "pool.py").write_text(AVG_POOL)
    out = tmp_path / "check.json"
    subprocess.run([sys.executable, "-m", "kernelgym.cli", "check", str(suite), "--json", str(out)],
                   capture_output=True, timeout=600)
    row = json.loads(out.read_text())[0]
    assert row["cases_from"] == "derived for CPU" and len(row["test_cases"]) >= 2
    assert all(case["height"] < 2048 for case in row["test_cases"])


def test_check_names_a_problem_the_identity_passes_as_degenerate(tmp_path):
    """KernelBench's ReLU draws inputs in [0, 1): the identity is right on all of them."""
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "relu.py").write_text('''import torch
import torch.nn as nn

class Model(nn.Module):
    def forward(self, x):
        return torch.relu(x)

batch_size = 16
dim = 16384

def get_inputs():
    return [torch.rand(batch_size, dim)]

def get_init_inputs():
    return []
''')
    out = tmp_path / "check.json"
    subprocess.run([sys.executable, "-m", "kernelgym.cli", "check", str(suite), "--json", str(out)],
                   capture_output=True, timeout=600)
    row = json.loads(out.read_text())[0]
    assert "an answer returning its input passes its test cases" in row["degenerate"] and row["cheats"]["identity"] == "ACCEPTED"
