"""Gymnasium's own ``make`` knows every KernelGym id after ``import kernelgym``; bad arguments fail at ``make``."""
from __future__ import annotations

import subprocess
import sys

import gymnasium
import pytest

import kernelgym


def test_import_kernelgym_registers_every_id_with_gymnasium():
    """In a fresh interpreter, so that nothing but the import itself can have registered them."""
    probe = ("import gymnasium, kernelgym; ids = kernelgym.list_envs(); "
             "missing = [i for i in ids if i not in gymnasium.registry]; print(len(ids), missing)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split(" ", 1)
    assert int(out[0]) > 100 and out[1].strip() == "[]"


@pytest.mark.parametrize("env_id", ["kernelgym/level1-softmax-v0", "kernelgym/countdown-v0"])
def test_gymnasium_make_builds_the_environment(env_id):
    env = gymnasium.make(env_id)
    assert env.spec.id == env_id and env.unwrapped.env_id in (env_id, "kernelgym/kernel-v0")
    prompt, info = env.reset(seed=0)
    assert isinstance(prompt, str) and prompt and info["task_id"]


def test_an_environment_registered_later_reaches_gymnasium():
    from kernelgym import registry
    from kernelgym.envs.toy import RepeatDigitEnv

    try:
        kernelgym.register("mine/digits-v3", RepeatDigitEnv, override=True)
        assert "mine/digits-v3" in gymnasium.registry
    finally:
        registry._factories.pop("mine/digits-v3", None)
        gymnasium.registry.pop("mine/digits-v3", None)


@pytest.mark.parametrize("make", [kernelgym.make, gymnasium.make], ids=["kernelgym", "gymnasium"])
def test_a_split_that_does_not_exist_fails_at_make_with_the_choices(make):
    with pytest.raises(ValueError, match="one of train, validation, test"):
        make("kernelgym/countdown-v0", split="training")


@pytest.mark.parametrize("env_id", ["kernelgym/countdown-v0", "kernelgym/level1-softmax-v0"])
def test_an_unknown_argument_fails_at_make_with_the_ones_it_takes(env_id):
    with pytest.raises(TypeError, match="takes no argument 'max_turn'; it takes: .*max_turns"):
        kernelgym.make(env_id, max_turn=2)


def test_rows_of_a_split_that_does_not_exist_are_an_error_not_an_empty_list():
    env = kernelgym.make("kernelgym/countdown-v0")
    with pytest.raises(ValueError, match="not 'tset'"):
        env.rows("tset")
