"""The compile check's cache key: what a kernel's compiled code can depend on, read from the answer's text."""
from __future__ import annotations

from kernelgym.compile_cache import kernel_key

ANSWER = '''
import torch
import triton
import triton.language as tl

SCALE = 2.0


@triton.jit
def _twice(x):
    return x * SCALE


@triton.jit
def scale_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offsets = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n
    tl.store(out_ptr + offsets, _twice(tl.load(x_ptr + offsets, mask=mask)), mask=mask)


def launch(x):
    out = torch.empty_like(x)
    scale_kernel[(triton.cdiv(x.numel(), 256),)](x, out, x.numel(), BLOCK=256)
    return out


class ModelNew(torch.nn.Module):
    def forward(self, x):
        return launch(x)
'''


def key(source: str) -> str:
    return kernel_key(source, "scale_kernel")


def test_answers_that_differ_only_in_forward_share_the_key():
    other = ANSWER.replace("return launch(x)", "y = launch(x.contiguous())\n        return y")
    assert key(other) == key(ANSWER)


def test_comments_and_layout_do_not_change_the_key():
    assert key(ANSWER.replace("SCALE = 2.0", "SCALE = (2.0)  # the factor")) == key(ANSWER)


def test_a_changed_helper_kernel_changes_the_key():
    assert key(ANSWER.replace("return x * SCALE", "return x * SCALE + 0")) != key(ANSWER)


def test_a_changed_module_constant_changes_the_key():
    assert key(ANSWER.replace("SCALE = 2.0", "SCALE = 3.0")) != key(ANSWER)


def test_a_changed_class_body_changes_the_key():
    """A class body runs on import and could rebind what the kernel reads."""
    other = ANSWER.replace("class ModelNew(torch.nn.Module):\n", "class ModelNew(torch.nn.Module):\n    tag = 1\n")
    assert key(other) != key(ANSWER)


def test_a_function_called_on_import_is_kept_whole():
    setup = "\n\ndef setup():\n    return {}\n\n\nSTATE = setup()\n"
    assert key(ANSWER + setup) != key(ANSWER + setup.replace("return {}", "return {'k': 1}"))


def test_a_decorated_function_is_kept_whole():
    """A decorator may call the function it decorates on import."""
    extra = "\n\ndef run(f):\n    f()\n    return f\n\n\n@run\ndef side():\n    pass\n"
    assert key(ANSWER + extra) != key(ANSWER + extra.replace("    pass\n", "    print(1)\n"))


def test_a_method_called_from_its_class_body_is_kept_whole():
    body = "\n\nclass Holder:\n    def make():\n        return 1\n    value = make()\n"
    assert key(ANSWER + body) != key(ANSWER + body.replace("return 1", "return 2"))


def test_indirect_name_lookups_make_the_whole_answer_the_key():
    """globals() can reach any function by a string: nothing may be left out then."""
    reach = ANSWER + "\n\nHOOK = globals()\n"
    assert key(reach) != key(reach.replace("return launch(x)", "return launch(x) + 0"))


def test_an_answer_that_does_not_parse_is_keyed_by_its_text():
    assert key("def broken(:\n") != key("def broken(:\n\n")


def test_a_kernel_that_is_not_top_level_is_keyed_by_the_whole_answer():
    assert kernel_key(ANSWER, "nowhere") != kernel_key(ANSWER.replace("return launch(x)", "return x"), "nowhere")
