"""The examples in the package's docstrings run, as written, like any other test."""
from __future__ import annotations

import doctest
import importlib

import pytest

from test_layers import MODULES

WITH_EXAMPLES = sorted(name for name, path in MODULES.items() if ">>>" in path.read_text())


def test_some_modules_have_examples():
    assert len(WITH_EXAMPLES) >= 10


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    results = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert results.attempted > 0, f"{name} has '>>>' but no example doctest could find"
    assert results.failed == 0, f"{results.failed} of {results.attempted} examples in {name} failed (see above)"
