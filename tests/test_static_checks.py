"""Static checks: each forbidden construct gets its own named flag; clean solutions get none."""
import pytest

from conftest import PROBLEMS
from kernelgym.static_checks import check_source

HEAD = "import torch\nimport torch.nn as nn\nimport triton\nimport triton.language as tl\n"


@pytest.mark.parametrize("body, flag", [
    ("import os", "forbidden_import:os"),
    ("import ctypes", "forbidden_import:ctypes"),
    ("from problem import Model", "forbidden_import:problem"),
    ("x = Model", "uses_reference_model"),
    ("class ModelNew(Model):\n    pass", "inherits_reference"),
    ("class ModelNew(nn.Module):\n    def forward(self, x):\n        return super().forward(x)", "calls_super_forward"),
    ("exec('1')", "forbidden_call:exec"),
    ("getattr(torch, 'add')", "forbidden_call:getattr"),
    ("x = torch.__dict__", "dunder_access:__dict__"),
    ("torch.allclose = lambda *a: True", "monkeypatch:torch.allclose"),
    ("torch.Tensor.__eq__ = None", "dunder_access:__eq__"),
    ("torch._C._DisableTorchDispatch()", "torch_private_api:torch._C"),
    ("torch.use_deterministic_algorithms(False)", "forbidden_torch_api:torch.use_deterministic_algorithms"),
    ("torch.os._exit(0)", "forbidden_module_access:torch.os"),
    ("triton.runtime.driver", "triton_internal:triton.runtime.driver"),
    ("try:\n    pass\nexcept Exception:\n    pass", "try_except"),
    ("y = x.numpy()", "host_compute:numpy"),
    ("y = x.tolist()", "host_compute:tolist"),
    ("import typing\nm = typing.sys.modules", "forbidden_module_access:typing.sys"),
    ("from dataclasses import inspect", "forbidden_module_access:dataclasses.inspect"),
    ("t = torch.from_file('f', size=1)", "forbidden_torch_api:torch.from_file"),
    ("t = x.untyped_storage().from_file('f', False, 1)", "forbidden_call:from_file"),
    ("torch.ops.load_library('evil.so')", "forbidden_torch_api:torch.ops.load_library"),
    ("state = torch.load('f.pt')", "forbidden_torch_api:torch.load"),
    ("torch.utils.data.DataLoader([])", "forbidden_torch_api:torch.utils.data.DataLoader"),
])
def test_flags(body, flag):
    assert flag in check_source(HEAD + body + "\n")


@pytest.mark.parametrize("path", sorted(PROBLEMS.rglob("*_solution.py")), ids=lambda p: p.stem)
def test_reference_solutions_are_clean(path):
    assert check_source(path.read_text()) == []


@pytest.mark.parametrize("body", [
    "from typing import Optional\nx: Optional[int] = None",
    "import functools\nf = functools.reduce",
    "import math\ny = math.sqrt(2.0)",
    "from dataclasses import dataclass",
])
def test_allowed_helpers_stay_clean(body):
    assert check_source(HEAD + body + "\n") == []
