"""State an answer keeps between calls earns nothing: each answer below computes a correct result once and serves
it again from somewhere that outlives one call (a module-level dict, a class attribute, a function default, a
pointer-keyed cache, a tensor held by the model). Graded with the static checks on and off, none may earn more than
an honest kernel that is simply wrong.

The answers are built from the reference solution of a problem with parameters (an ``nn.Linear``), so a replay of
one call's result also differs in weights from what another run expects.
"""
from __future__ import annotations

import pytest

from conftest import PROBLEMS, fenced
from kernelgym.grader import reward_of
from kernelgym.problem import load_problem

PROBLEM = PROBLEMS / "level2" / "01_linear_bias_relu.py"
SOLUTION = PROBLEMS / "level2" / "01_linear_bias_relu_solution.py"

HEAD = '''class ModelNew(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.fc = nn.Linear(in_features, out_features)
'''
STATEFUL = {
    "module_dict_by_shape": '''CACHE = {}


''' + HEAD + '''
    def forward(self, x):
        if x.shape not in CACHE:
            CACHE[x.shape] = linear_bias_relu(x, self.fc.weight, self.fc.bias)
        return CACHE[x.shape].clone()
''',
    "class_attribute": HEAD + '''
    def forward(self, x):
        last = getattr(ModelNew, "last", None)
        if last is None or last.shape[0] != x.shape[0] or last.shape[1] != self.fc.out_features:
            ModelNew.last = linear_bias_relu(x, self.fc.weight, self.fc.bias)
        return ModelNew.last.clone()
''',
    "function_default": HEAD + '''
    def forward(self, x, memo={}):
        key = (tuple(x.shape), self.fc.out_features)
        if key not in memo:
            memo[key] = linear_bias_relu(x, self.fc.weight, self.fc.bias)
        return memo[key].clone()
''',
    "pointer_cache": '''SEEN = {}


''' + HEAD + '''
    def forward(self, x):
        key = x.data_ptr()
        if key not in SEEN:
            SEEN[key] = linear_bias_relu(x, self.fc.weight, self.fc.bias)
        return SEEN[key].clone()
''',
    "tensor_held_by_the_model": HEAD + '''
    def forward(self, x):
        if getattr(self, "held", None) is None:
            self.held = linear_bias_relu(x, self.fc.weight, self.fc.bias)
        return self.held.clone()
''',
}
RELU = "acc = tl.maximum(acc + bias[None, :], 0.0)"


def _answer(model_class: str) -> str:
    solution = SOLUTION.read_text()
    return fenced(solution[:solution.index("class ModelNew")] + model_class)


@pytest.fixture(scope="module")
def honest_wrong_reward(grader):
    """The reward of the reference solution with its ReLU left out: honest, and wrong on every test."""
    assert RELU in SOLUTION.read_text()
    result = grader.grade(load_problem(PROBLEM), fenced(SOLUTION.read_text().replace(RELU, "acc = acc + bias[None, :]")))
    assert not result.correct and not result.hacks, (result.failure, result.hacks, result.error)
    return reward_of(result)


@pytest.mark.parametrize("static_checks", [True, False], ids=["static_on", "static_off"])
@pytest.mark.parametrize("name", sorted(STATEFUL))
def test_state_kept_between_calls_earns_no_more_than_an_honest_wrong_answer(name, static_checks, grader,
                                                                             unguarded_grader, honest_wrong_reward):
    grading = grader if static_checks else unguarded_grader
    result = grading.grade(load_problem(PROBLEM), _answer(STATEFUL[name]))
    summary = f"failure={result.failure!r} hacks={sorted(result.hacks)} passed={result.tests_passed}/" \
              f"{result.tests_total} error={result.error[:200]!r}"
    assert not result.correct, summary
    assert reward_of(result) <= honest_wrong_reward, summary
