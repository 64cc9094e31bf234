"""The CPU speed proxy: traffic efficiency and static GPU figures, without a GPU."""
import textwrap

import pytest

from conftest import fenced
from kernelgym.problem import load_problem
from kernelgym.rewards import RewardWeights, total_reward

ROW_SUM = textwrap.dedent('''
    """Sum of each row of a (ROWS, COLS) float32 matrix."""
    import torch
    import torch.nn as nn

    class Model(nn.Module):
        def forward(self, x):
            return x.sum(dim=1)

    ROWS = 4
    COLS = 512

    def get_inputs():
        return [torch.randn(ROWS, COLS)]

    def get_init_inputs():
        return []

    ATOL = 1e-4
    RTOL = 1e-4
''')

ANSWER = textwrap.dedent('''
    import torch
    import torch.nn as nn
    import triton
    import triton.language as tl

    @triton.jit
    def row_sum_kernel(x_ptr, out_ptr, cols, BLOCK: tl.constexpr, READS: tl.constexpr):
        row = tl.program_id(0)
        offs = tl.arange(0, BLOCK)
        total = tl.sum(tl.load(x_ptr + row * cols + offs, mask=offs < cols, other=0.0), axis=0)
        for _ in tl.static_range(READS - 1):  # wasteful re-reads that cancel out exactly
            again = tl.sum(tl.load(x_ptr + row * cols + offs, mask=offs < cols, other=0.0), axis=0)
            total += again - again
        tl.store(out_ptr + row, total)

    class ModelNew(nn.Module):
        def forward(self, x):
            x = x.contiguous()
            out = torch.empty(x.shape[0], dtype=x.dtype)
            row_sum_kernel[(x.shape[0],)](x, out, x.shape[1], BLOCK=triton.next_power_of_2(x.shape[1]), READS=%d)
            return out
''')


@pytest.fixture(scope="module")
def row_sum(tmp_path_factory):
    path = tmp_path_factory.mktemp("traffic") / "row_sum.py"
    path.write_text(ROW_SUM)
    return load_problem(path)


@pytest.fixture(scope="module")
def once_and_thrice(grader, row_sum):
    return grader.grade(row_sum, fenced(ANSWER % 1)), grader.grade(row_sum, fenced(ANSWER % 3))


def test_reading_the_input_three_times_scores_a_third(once_and_thrice):
    once, thrice = once_and_thrice
    assert once.correct and thrice.correct
    assert once.traffic_efficiency == pytest.approx(1.0, abs=0.01)
    assert thrice.traffic_efficiency / once.traffic_efficiency == pytest.approx(1 / 3, abs=0.02)


def test_speed_proxy_rewards_the_kernel_that_reads_once(once_and_thrice):
    once, thrice = once_and_thrice
    assert total_reward(once) == total_reward(thrice) == pytest.approx(1.0)  # off by default: no speed on CPU
    proxy = RewardWeights(speed_proxy=True)
    assert total_reward(once, proxy) == pytest.approx(1.0 + proxy.speed)
    assert total_reward(thrice, proxy) == pytest.approx(1.0 + proxy.speed * thrice.traffic_efficiency)


def test_static_gpu_figures_are_reported(once_and_thrice):
    stats = once_and_thrice[0].kernel_stats
    assert stats and stats[0].kernel.startswith("row_sum_kernel")
    assert stats[0].registers > 0 and stats[0].spill_bytes == 0 and 0 < stats[0].occupancy <= 1
    assert stats[0].global_loads_vector + stats[0].global_loads_scalar > 0
