"""Every libdevice and tl.math function a float32 kernel calls gives, under the interpreter, what torch computes.

Each function runs in a real interpreted kernel (``libdevice.NAME(x)`` in ``@triton.jit`` code) in a fresh
interpreter process with KernelGym's libdevice installed, and is compared with torch in float64 on the same
inputs, within float32 tolerance.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

# name -> (torch expression of x (and y) in float64, input range of x)
UNARY = {
    "tanh": ("torch.tanh(x)", (-4, 4)), "exp": ("torch.exp(x)", (-4, 4)), "exp2": ("torch.exp2(x)", (-4, 4)),
    "exp10": ("torch.pow(10, x)", (-2, 2)), "expm1": ("torch.expm1(x)", (-2, 2)), "log": ("torch.log(x)", (0.1, 9)),
    "log2": ("torch.log2(x)", (0.1, 9)), "log10": ("torch.log10(x)", (0.1, 9)), "log1p": ("torch.log1p(x)", (0, 9)),
    "sqrt": ("torch.sqrt(x)", (0, 9)), "rsqrt": ("torch.rsqrt(x)", (0.1, 9)), "cbrt": ("x.sign() * x.abs() ** (1 / 3)",
                                                                                      (-8, 8)),
    "sin": ("torch.sin(x)", (-4, 4)), "cos": ("torch.cos(x)", (-4, 4)), "tan": ("torch.tan(x)", (-1, 1)),
    "asin": ("torch.asin(x)", (-0.9, 0.9)), "acos": ("torch.acos(x)", (-0.9, 0.9)), "atan": ("torch.atan(x)", (-4, 4)),
    "sinh": ("torch.sinh(x)", (-3, 3)), "cosh": ("torch.cosh(x)", (-3, 3)), "asinh": ("torch.asinh(x)", (-4, 4)),
    "acosh": ("torch.acosh(x)", (1, 9)), "atanh": ("torch.atanh(x)", (-0.9, 0.9)),
    "erf": ("torch.erf(x)", (-3, 3)), "erfc": ("torch.erfc(x)", (-3, 3)), "erfinv": ("torch.erfinv(x)", (-0.9, 0.9)),
    "erfcinv": ("torch.erfinv(1 - x)", (0.1, 1.9)), "normcdf": ("torch.special.ndtr(x)", (-3, 3)),
    "normcdfinv": ("torch.special.ndtri(x)", (0.05, 0.95)), "lgamma": ("torch.lgamma(x)", (0.5, 6)),
    "tgamma": ("torch.exp(torch.lgamma(x))", (0.5, 5)), "floor": ("torch.floor(x)", (-9, 9)),
    "ceil": ("torch.ceil(x)", (-9, 9)), "trunc": ("torch.trunc(x)", (-9, 9)), "rint": ("torch.round(x)", (-9, 9)),
    "round": ("x.sign() * torch.floor(x.abs() + 0.5)", (-9, 9)), "abs": ("x.abs()", (-9, 9)),
    "sinpi": ("torch.sin(torch.pi * x)", (-2, 2)),
    "cospi": ("torch.cos(torch.pi * x)", (-2, 2)), "saturatef": ("x.clamp(0, 1)", (-2, 2)),
    "fast_expf": ("torch.exp(x)", (-4, 4)), "fast_logf": ("torch.log(x)", (0.1, 9)),
    "fast_tanhf": ("torch.tanh(x)", (-4, 4)), "cyl_bessel_i0": ("torch.special.i0(x)", (-3, 3)),
    "erfcx": ("torch.special.erfcx(x)", (-2, 5)),
}
BINARY = {
    "pow": ("torch.pow(x, y)", (0.1, 4)), "atan2": ("torch.atan2(x, y)", (-4, 4)),
    "fmod": ("torch.fmod(x, y)", (-9, 9)),
    "remainder": ("x - torch.round(x / y) * y", (-9, 9)), "copysign": ("torch.copysign(x, y)", (-9, 9)),
    "hypot": ("torch.hypot(x, y)", (-9, 9)), "fdim": ("(x - y).clamp(min=0)", (-9, 9)),
    "div_rn": ("x / y", (0.5, 9)), "fast_dividef": ("x / y", (0.5, 9)), "fast_powf": ("torch.pow(x, y)", (0.1, 4)),
}

# tl.math, which the interpreter runs itself: checked the same way, since answers call both
TL_MATH = {
    "exp": ("torch.exp(x)", (-4, 4)), "exp2": ("torch.exp2(x)", (-4, 4)), "log": ("torch.log(x)", (0.1, 9)),
    "log2": ("torch.log2(x)", (0.1, 9)), "cos": ("torch.cos(x)", (-4, 4)), "sin": ("torch.sin(x)", (-4, 4)),
    "sqrt": ("torch.sqrt(x)", (0, 9)), "sqrt_rn": ("torch.sqrt(x)", (0, 9)), "rsqrt": ("torch.rsqrt(x)", (0.1, 9)),
    "abs": ("x.abs()", (-9, 9)), "erf": ("torch.erf(x)", (-3, 3)), "floor": ("torch.floor(x)", (-9, 9)),
    "ceil": ("torch.ceil(x)", (-9, 9)),
}
TL_MATH_BINARY = {"fdiv": ("x / y", (0.5, 9)), "div_rn": ("x / y", (0.5, 9))}

PROBE = textwrap.dedent('''
    import importlib.util, json, os, sys, tempfile
    os.environ["TRITON_INTERPRET"] = "1"
    import torch, triton
    from triton.language.extra import libdevice as generic
    from kernelgym.sandbox import libdevice
    libdevice.install()
    cases = json.loads(sys.argv[1])
    lines = ["import triton", "import triton.language as tl", "from triton.language.extra import libdevice",
             "from triton.language.extra.cuda import libdevice as cuda_libdevice"]
    for name, (expression, low, high, arity, where) in cases.items():
        module = where or ("libdevice" if hasattr(generic, name) else "cuda_libdevice")  # the backend has more
        call = f"{module}.{name}(x, y)" if arity == 2 else f"{module}.{name}(x)"
        lines += ["@triton.jit", f"def k_{name}(x_ptr, y_ptr, o_ptr, n, B: tl.constexpr):",
                  "    o = tl.arange(0, B)", "    x = tl.load(x_ptr + o, mask=o < n)",
                  "    y = tl.load(y_ptr + o, mask=o < n)", f"    tl.store(o_ptr + o, {call}, mask=o < n)"]
    path = os.path.join(tempfile.mkdtemp(), "kernels.py")
    open(path, "w").write("\\n".join(lines) + "\\n")
    spec = importlib.util.spec_from_file_location("kernels", path)
    kernels = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kernels)
    report = {}
    for name, (expression, low, high, arity, where) in cases.items():
        torch.manual_seed(0)
        x = torch.rand(64) * (high - low) + low
        y = torch.rand(64) * (high - low) + low
        if name == "pow":
            y = torch.rand(64) * 3 - 1.5
        out = torch.empty(64)
        try:
            getattr(kernels, f"k_{name}")[(1,)](x, y, out, 64, B=64)
        except Exception as exc:
            report[name] = f"raised {type(exc).__name__}: {exc}"[:200]
            continue
        x, y = x.double(), y.double()
        expected = eval(expression).float()
        if not torch.allclose(out, expected, rtol=1e-5, atol=1e-5, equal_nan=True):
            report[name] = f"max abs error {(out - expected).abs().max().item():.3g}"
    print(json.dumps(report))
''')


@pytest.mark.parametrize("table, arity, where", [(UNARY, 1, ""), (BINARY, 2, ""), (TL_MATH, 1, "tl.math"),
                                                 (TL_MATH_BINARY, 2, "tl.math")],
                         ids=["unary", "binary", "tl_math", "tl_math_binary"])
def test_each_function_matches_torch_under_the_interpreter(table, arity, where):
    cases = {name: (expression, low, high, arity, where) for name, (expression, (low, high)) in table.items()}
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(cases)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {}


def test_a_function_without_an_implementation_names_itself():
    from kernelgym.sandbox.libdevice import _missing

    with pytest.raises(NotImplementedError, match="libdevice.j0 is not available under Triton's interpreter"):
        _missing("j0")(1.0)


def test_an_answer_calling_libdevice_is_graded_as_on_a_gpu(grader):
    """In the sandbox: correct under the interpreter, and the compile check builds the real libdevice call."""
    from conftest import PROBLEMS, fenced
    from kernelgym.problem import load_problem

    solution = (PROBLEMS / "level1" / "12_tanh_solution.py").read_text()
    sigmoid_form = "out = 2.0 * tl.sigmoid(2.0 * x) - 1.0"
    assert sigmoid_form in solution
    answer = solution.replace(sigmoid_form, "out = libdevice.tanh(x)").replace(
        "import triton.language as tl\n", "import triton.language as tl\nfrom triton.language.extra import libdevice\n")
    result = grader.grade(load_problem(PROBLEMS / "level1" / "12_tanh.py"), fenced(answer))
    assert result.correct and result.compiled and not result.hacks, (result.failure, result.error)
