"""Answer parsing: one block, valid Python, ModelNew, a @triton.jit kernel; short specific errors otherwise."""
import pytest

from kernelgym.parsing import FormatError, parse_answer

KERNEL = "import triton\n@triton.jit\ndef k(x):\n    pass\nclass ModelNew:\n    pass\n"


def test_accepts_one_python_fence():
    answer = parse_answer(f"Sure!\n```python\n{KERNEL}```\nDone.")
    assert answer.kernels == ["k"] and "class ModelNew" in answer.source


def test_accepts_a_tagged_block_when_the_prompt_uses_tags():
    assert parse_answer(f"<answer>\n{KERNEL}</answer>", tag="answer").kernels == ["k"]


def test_accepts_autotuned_kernel_under_other_decorators():
    source = "import triton\n@triton.autotune(configs=[], key=[])\n@triton.jit\ndef k(x):\n    pass\nclass ModelNew: pass\n"
    assert parse_answer(f"```python\n{source}```").kernels == ["k"]


def test_rejects_two_blocks():
    with pytest.raises(FormatError, match="found 2 ```python code blocks"):
        parse_answer(f"```python\n{KERNEL}```\n```python\n{KERNEL}```")


def test_rejects_no_block():
    with pytest.raises(FormatError, match="no ```python code block"):
        parse_answer(KERNEL)


def test_plain_source_allowed_only_when_asked():
    assert parse_answer(KERNEL, allow_plain_source=True).kernels == ["k"]


def test_rejects_missing_modelnew():
    with pytest.raises(FormatError, match="no `class ModelNew"):
        parse_answer("```python\nimport triton\n@triton.jit\ndef k(x):\n    pass\n```")


def test_rejects_missing_kernel():
    with pytest.raises(FormatError, match="no `@triton.jit` kernel"):
        parse_answer("```python\nclass ModelNew:\n    pass\n```")


def test_reports_syntax_error_line():
    with pytest.raises(FormatError, match="syntax error on line 2"):
        parse_answer("```python\nimport triton\ndef (:\n```")


def test_ignores_non_python_fences():
    assert parse_answer(f"```bash\npip install triton\n```\n```python\n{KERNEL}```").kernels == ["k"]


def test_parsing_and_static_checks_take_the_shared_ast_lock():
    """CPython 3.11's ast.parse is not thread-safe (gh-106905): every caller of parse_answer and check_source is
    covered, because both parse under kernelgym.safe_ast's lock themselves."""
    import threading

    from kernelgym import safe_ast
    from kernelgym.parsing import parse_answer
    from kernelgym.static_checks import check_source

    source = "import triton\n\n@triton.jit\ndef k(x):\n    pass\n\nclass ModelNew:\n    pass\n"
    done = []
    calls = [lambda: parse_answer(source, allow_plain_source=True), lambda: check_source(source)]
    threads = [threading.Thread(target=lambda call=call: done.append(call())) for call in calls]
    with safe_ast.AST_LOCK:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=0.5)
        assert done == [] and all(thread.is_alive() for thread in threads)  # both wait for the lock
    for thread in threads:
        thread.join(timeout=30)
    assert len(done) == 2


@pytest.mark.parametrize("completion, allow_plain_source, message", [
    ("", True, "the answer is empty"), ("  \n", False, "the answer is empty"),
    ("```python\n\n```", False, "the code block is empty"),
], ids=["empty_file", "blank_completion", "empty_block"])
def test_an_empty_answer_is_told_so_not_that_it_lacks_model_new(completion, allow_plain_source, message):
    with pytest.raises(FormatError, match=message):
        parse_answer(completion, allow_plain_source=allow_plain_source)


def test_a_lone_surrogate_is_a_format_failure_not_a_crash():
    """JSON (a server's action, a replay file) can carry a lone surrogate that no parser takes."""
    with pytest.raises(FormatError, match="not valid Unicode"):
        parse_answer(f"```python\n{KERNEL}# \ud800\n```")
