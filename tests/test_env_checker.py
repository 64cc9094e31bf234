"""The environment checker, run over every registered environment (kernel and text alike)."""
from __future__ import annotations

import pytest

import kernelgym
from conftest import PROBLEMS
from kernelgym.envs.checker import check_env
from kernelgym.envs.kernel import KernelEnv

# Generic ids need a task source; every other id builds with no arguments.
ARGUMENTS = {"kernelgym/kernel-v0": {"problem": PROBLEMS / "level1" / "01_vector_add.py"}}


@pytest.fixture(scope="module")
def quick_grader():
    from kernelgym.grader import Grader, GraderConfig

    with Grader(GraderConfig(seeds=1, timeout_s=60, check_compile=False)) as grader:  # `kernelgym check` compiles
        yield grader


@pytest.mark.parametrize("env_id", kernelgym.list_envs())
def test_environment_passes_the_checker(env_id, quick_grader):
    kwargs = dict(ARGUMENTS.get(env_id, {}))
    env = kernelgym.make(env_id, **kwargs)
    if isinstance(env, KernelEnv):  # one warm grader for the whole module
        env = kernelgym.make(env_id, grader=quick_grader, **kwargs)
    check_env(env)


def test_checker_catches_a_broken_environment():
    """A checker that cannot fail proves nothing: an environment that rewards the empty answer is caught."""
    from kernelgym.envs.core import Graded, Task, TextEnv

    class Generous(TextEnv):
        env_id = "test/generous-v0"
        component_names = ("all",)

        def load_tasks(self):
            return [Task("only", "Say anything.")]

        def grade(self, task, completion):
            return Graded(reward=1.0, components={"all": 1.0}, contributions={"all": 1.0}, solved=False)

    with pytest.raises(AssertionError, match="check_empty_answer_scores_zero: an empty answer earned 1.0"):
        check_env(Generous())
