"""Reward functions that leave the training's random state as they found it.

Grading seeds torch's global generator in the process that calls it: :meth:`kernelgym.problem.Problem.instantiate`
and ``build_model`` call ``torch.manual_seed`` with the grading's seed (secret by default), as KernelBench does, to
draw the test inputs and the reference's parameters. TRL calls the reward functions in the training process between
one generation and the next, so without care every grading reseeds the sampling with a secret seed, and two runs
with the same ``--seed`` part ways after the first graded batch (two runs of the README's difficulty-1 cloze
commands gave validation rewards 0.035 -> 0.089 and 0.035 -> 0.156). :func:`keeping_rng` restores the caller's CPU
and CUDA generators when a reward function returns, so the training's sampling depends only on its own seed.
"""
from __future__ import annotations

import functools
from typing import Callable


def keeping_rng(func: Callable) -> Callable:
    """``func`` (a TRL reward function), restoring torch's CPU and CUDA random states after each call.

    TRL calls reward functions one after the other in its own thread, and a grading's worker threads are done when
    the environment's ``grade_many`` returns, so nothing else draws from the generators while they are forked.

    >>> import torch
    >>> def reseeds(completions, **kwargs):
    ...     torch.manual_seed(12345)
    ...     return [0.0 for _ in completions]
    >>> kept = keeping_rng(reseeds)
    >>> _ = torch.manual_seed(0); expected = torch.rand(2)
    >>> _ = torch.manual_seed(0); kept(["a", "b"]); torch.equal(torch.rand(2), expected)
    [0.0, 0.0]
    True
    >>> kept.__name__
    'reseeds'
    """
    @functools.wraps(func)
    def kept(*args, **kwargs):
        import torch

        devices = list(range(torch.cuda.device_count())) if torch.cuda.is_initialized() else []
        with torch.random.fork_rng(devices=devices):
            return func(*args, **kwargs)

    return kept
