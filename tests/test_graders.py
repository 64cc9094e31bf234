"""Tests of kernelgym.graders: one property per test, hostile inputs included.

Expected values are worked out by hand in the test (or in its docstring), never taken from the function under test.
The LLM-judge tests talk to a real HTTP server on 127.0.0.1 through the real OpenAI client; the server plays the
judge model and returns fixed chat-completion JSON. Nothing leaves the loopback interface.
"""
from __future__ import annotations

import doctest
import importlib
import json
import subprocess
import sys
import threading
import time
from fractions import Fraction
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kernelgym.graders import (
    MultiGrader,
    ScoreModelConfig,
    countdown,
    countdown_details,
    from_spec,
    math_answer,
    math_answer_details,
    multi,
    multilabel_f1,
    parse_labels,
    parse_number,
    score_model,
    score_model_details,
    string_check,
    text_similarity,
)
from kernelgym.graders.countdown_game import CORRECT, INVALID, MAX_BITS, VALID_MISS
from kernelgym.graders.maths import NO_ANSWER, WRONG_NUMBER
from kernelgym.graders.similarity import METRICS
from kernelgym.graders.templates import render, sample_of

PURE_MODULES = ["kernelgym.graders", "kernelgym.graders.result", "kernelgym.graders.expression",
                "kernelgym.graders.classification", "kernelgym.graders.maths", "kernelgym.graders.countdown_game",
                "kernelgym.graders.strings", "kernelgym.graders.similarity", "kernelgym.graders.templates",
                "kernelgym.graders.judge", "kernelgym.graders.combine", "kernelgym.graders.spec",
                "kernelgym.graders.text"]


# --- the package ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", PURE_MODULES)
def test_doctests_pass(name):
    """Every grader module's docstring examples run and pass (kernelgym.graders.python: test_python_grader)."""
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_import_loads_no_heavy_library():
    """``import kernelgym.graders`` (and using a pure grader) imports none of the optional libraries nor torch."""
    code = ("import sys, kernelgym.graders as g; g.countdown('1+2', [1, 2], 3); g.string_check('a', 'a');"
            "print([m for m in ('rapidfuzz', 'sacrebleu', 'rouge_score', 'math_verify', 'openai', 'torch', 'sympy')"
            " if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- multilabel F1 -------------------------------------------------------------------------------------------
def test_f1_perfect_prediction_scores_one():
    assert multilabel_f1(["a", "b"], ["b", "a"]) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_f1_partial_overlap():
    """predicted {a, b, c}, expected {b, c, d, e}: P = 2/3, R = 2/4, F1 = 2PR / (P + R) = 4/7."""
    scores = multilabel_f1(["a", "b", "c"], ["b", "c", "d", "e"])
    assert scores["precision"] == pytest.approx(2 / 3)
    assert scores["recall"] == pytest.approx(1 / 2)
    assert scores["f1"] == pytest.approx(4 / 7)


@pytest.mark.parametrize("expected", [["a"], []])
def test_f1_empty_prediction_scores_zero(expected):
    assert multilabel_f1([], expected) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_f2_weighs_recall_more():
    """predicted {a, b, c, d}, expected {a, b}: P = 1/2, R = 1; F2 = 5PR / (4P + R) = 5/6, F1 = 2/3."""
    scores = multilabel_f1(["a", "b", "c", "d"], ["a", "b"], beta=2)
    assert scores["f2"] == pytest.approx(5 / 6)
    assert scores["f1"] == pytest.approx(2 / 3)


def test_f1_counts_duplicate_labels_once():
    assert multilabel_f1(["a", "a", "a"], ["a", "b"])["precision"] == 1.0


def test_f1_normalizes_case_and_whitespace_by_default():
    assert multilabel_f1([" Sports "], ["sports"])["f1"] == 1.0
    assert multilabel_f1([" Sports "], ["sports"], normalize=False)["f1"] == 0.0


def test_f1_reads_raw_answer_text():
    assert multilabel_f1('["spam", "ads"]', ["ads", "spam"])["f1"] == 1.0
    assert multilabel_f1("spam; ads", ["ads", "spam"])["f1"] == 1.0


def test_labels_from_malformed_json_still_parse():
    assert parse_labels('["spam", "ads"') == ["spam", "ads"]
    assert parse_labels("[" * 100_000) == []


def test_f1_spamming_every_label_has_low_precision():
    """Predicting 10 000 labels to catch 1 expected one: P = 1/10 000."""
    scores = multilabel_f1([f"l{i}" for i in range(10_000)], ["l0"])
    assert scores["recall"] == 1.0
    assert scores["precision"] == pytest.approx(1e-4)


def test_f1_rejects_nonpositive_beta():
    with pytest.raises(ValueError, match="beta"):
        multilabel_f1(["a"], ["a"], beta=0)


# --- math answers --------------------------------------------------------------------------------------------
def test_math_boxed_answer_wins_over_later_numbers():
    assert math_answer("So \\boxed{12}. (I first thought 13, then 14.)", 12) == 1.0


def test_math_gsm8k_marker():
    assert math_answer("4 * 18 = 72\n#### 72", "72") == 1.0


def test_math_expected_may_be_a_whole_gsm8k_solution():
    assert math_answer("The total is 72.", "48 + 24 = <<48+24=72>>72 clips.\n#### 72") == 1.0


def test_math_answer_phrase_then_last_number():
    assert math_answer("The answer is 7. Check: 3 + 4 = 7, not 8", 7) == 1.0
    assert math_answer("3 + 4 makes 7", 7) == 1.0


@pytest.mark.parametrize("completion,expected", [
    ("#### 1,234", 1234),
    ("The answer is $1,200.50.", "1200.5"),
    ("\\boxed{12 \\text{ cm}}", 12),
    ("The answer is 3/4", 0.75),
    ("\\boxed{\\frac{3}{4}}", "0.75"),
    ("\\boxed{\\dfrac{6}{8}}", Fraction(3, 4)),
    ("\\boxed{-5}", -5),
    ("\\boxed{x = 5}", 5),
    ("\\boxed{1{,}000{,}000}", 10**6),
    ("The answer is 1.5e3", 1500),
])
def test_math_normalises_how_the_number_is_written(completion, expected):
    assert math_answer(completion, expected) == 1.0


def test_math_percentage_matches_the_number_or_its_hundredth():
    assert math_answer("\\boxed{50\\%}", 50) == 1.0
    assert math_answer("The answer is 50%", "0.5") == 1.0


def test_math_decimal_rounded_to_its_places_matches():
    """1/3 rounded to 3 places is 0.333; to 1 place, 0.3 is too coarse to count; 12.4 is not the integer 12."""
    assert math_answer("The answer is 0.333", "1/3") == 1.0
    assert math_answer("The answer is 0.3", "1/3") == WRONG_NUMBER
    assert math_answer("The answer is 12.4", 12) == WRONG_NUMBER


def test_math_float_expected_compares_as_written():
    assert math_answer("The answer is 0.1", 0.1) == 1.0


def test_math_wrong_number_gets_partial_reward():
    assert math_answer("\\boxed{13}", 12) == WRONG_NUMBER == 0.1


@pytest.mark.parametrize("completion", ["I don't know.", "", "\\boxed{banana}"])
def test_math_no_number_scores_zero(completion):
    assert math_answer(completion, 12) == NO_ANSWER == 0.0


def test_math_non_text_completion_scores_zero():
    assert math_answer(None, 12) == 0.0


def test_math_symbolic_answers_go_through_math_verify():
    assert math_answer("\\boxed{\\frac{\\sqrt{2}}{2}}", "\\frac{1}{\\sqrt{2}}") == 1.0
    assert math_answer("\\boxed{\\sqrt{3}}", "\\sqrt{2}") == WRONG_NUMBER


def test_math_verify_works_off_the_main_thread():
    """math-verify's own timeouts use signal.alarm (main thread only); the grader must work in worker threads."""
    out = []
    thread = threading.Thread(target=lambda: out.append(math_answer("\\boxed{2^{10}}", 1024)))
    thread.start()
    thread.join(60)
    assert out == [1.0]


def test_math_huge_number_is_a_wrong_number_quickly():
    started = time.monotonic()
    assert math_answer("The answer is " + "9" * 200_000, 12) == WRONG_NUMBER
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("answer", ["\\boxed{10^{10^{10}}}", "\\boxed{9^{9^{9^{9}}}}", "\\boxed{100000!}",
                                    "\\boxed{(99999)!}", "\\boxed{(10^{10})^{10}}", "The answer is 1e999999999",
                                    "\\boxed{10^{999999999}}", "\\boxed{1e99999}"])
def test_math_power_towers_and_giant_exponents_do_not_hang(answer):
    started = time.monotonic()
    assert math_answer(answer, 5) == WRONG_NUMBER
    assert time.monotonic() - started < 5


def test_math_deeply_nested_boxes():
    assert math_answer("\\boxed{" * 20_000 + "7" + "}" * 20_000, 7) == 1.0


def test_math_unbalanced_box_falls_back_to_the_last_number():
    assert math_answer("so 7 \\boxed{7", 7) == 1.0


def test_math_details_say_what_was_extracted():
    grade = math_answer_details("so \\boxed{7}", 8)
    assert grade.answer == "7"
    assert "8" in grade.reason


def test_math_parse_number_exact_rationals():
    assert parse_number("-3/6") == Fraction(-1, 2)
    assert parse_number("1,23") is None


def test_math_rejects_unusable_expected_values():
    with pytest.raises(ValueError):
        math_answer("7", float("nan"))
    with pytest.raises(TypeError):
        math_answer("1", True)


# --- Countdown -----------------------------------------------------------------------------------------------
def test_countdown_reaching_the_target_scores_one():
    assert countdown("(6 - 2) * 25", [25, 6, 2, 7], 100) == CORRECT == 1.0


def test_countdown_valid_miss_gets_partial_credit():
    assert countdown("25 + 6", [25, 6, 2, 7], 100) == VALID_MISS == 0.1


def test_countdown_number_used_twice_is_invalid():
    assert countdown("25 * 2 * 2", [25, 2, 6], 100) == INVALID


def test_countdown_repeated_numbers_may_be_used_as_often_as_given():
    assert countdown("25 * 2 * 2", [25, 2, 2], 100) == CORRECT


def test_countdown_number_not_given_is_invalid():
    assert countdown("25 * 4", [25, 6, 2], 100) == INVALID


def test_countdown_arithmetic_is_exact():
    """8 / (3 - 8/3) = 8 / (1/3) = 24 exactly; in floating point it is 23.999999999999993."""
    assert 8 / (3 - 8 / 3) != 24
    assert countdown("8 / (3 - 8 / 3)", [8, 3, 8, 3], 24) == CORRECT


def test_countdown_import_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    answer = f"__import__('os').system('touch {marker}')"
    assert countdown(answer, [1, 2], 3) == INVALID
    assert not marker.exists()


@pytest.mark.parametrize("answer", ["a + 1", "abs(1) + 2", "(1).real + 2", "[1, 2]", "lambda: 3", "1 if 2 else 3",
                                    "1 < 2", "(x := 3)", "f'{1}'", "1; 2", "3 ** 1", "3 // 1", "3 % 2", "1 << 2"])
def test_countdown_refuses_everything_but_plus_minus_times_divide(answer):
    assert countdown(answer, [1, 2, 3], 3) == INVALID


def test_countdown_refuses_unary_minus():
    assert countdown("-1 + 3", [1, 3], 2) == INVALID


@pytest.mark.parametrize("literal", ["0x2 + 1", "1_0 - 7", "1.0 + 2", "True + 2", "2j + 1"])
def test_countdown_refuses_literals_other_than_decimal_integers(literal):
    assert countdown(literal, [1, 2, 10, 7], 3) == INVALID


def test_countdown_power_tower_is_refused_quickly():
    started = time.monotonic()
    assert countdown("9 ** 9 ** 9", [9, 9, 9], 1) == INVALID
    assert time.monotonic() - started < 1


def test_countdown_division_by_zero_is_invalid():
    assert countdown("4 / (2 - 2)", [4, 2, 2], 1) == INVALID


def test_countdown_deep_nesting_is_invalid_quickly():
    started = time.monotonic()
    assert countdown("(" * 100_000 + "1" + ")" * 100_000, [1], 1) == INVALID
    assert countdown("(" * 50 + "1" + ")" * 50, [1], 1) == INVALID
    assert time.monotonic() - started < 1


def test_countdown_many_unclosed_answer_tags_are_handled_quickly():
    started = time.monotonic()
    assert countdown("<answer>" * 200_000, [1], 1) == INVALID
    assert countdown("<answer>1</answer>" * 100_000, [1], 1) == CORRECT
    assert time.monotonic() - started < 2


def test_countdown_long_expression_is_invalid():
    numbers = [1] * 1000
    assert countdown(" + ".join(["1"] * 1000), numbers, 1000) == INVALID


def test_countdown_bounds_intermediate_values():
    """Three numbers of 10**60 multiply to 10**180, about 598 bits: past the bound, refused."""
    big = 10**60
    grade = countdown_details(" * ".join(["%d" % big] * 3), [big] * 3, 1)
    assert grade.score == INVALID
    assert str(MAX_BITS) in grade.reason


def test_countdown_reads_answer_tags_and_an_equals_side():
    assert countdown("<think>hmm</think><answer>(6 - 2) * 25 = 100</answer>", [25, 6, 2], 100) == CORRECT
    assert countdown("100 = 25 * (6 - 2)", [25, 6, 2], 100) == CORRECT


def test_countdown_claimed_value_is_not_trusted():
    assert countdown("25 + 6 = 100", [25, 6, 2], 100) == VALID_MISS


def test_countdown_use_all_requires_every_number():
    assert countdown("25 * 4", [25, 4, 3], 100, use_all=True) == INVALID
    assert countdown("25 * 4 * 3 / 3", [25, 4, 3, 3], 100, use_all=True) == CORRECT


def test_countdown_is_safe_to_call_from_many_threads():
    """Reward functions grade in threads; every concurrent call must give the single-threaded verdict."""
    scores = []

    def work():
        scores.extend(countdown("((6 - 2) * 25) / (1 + 1) * (3 - 1)", [25, 6, 2, 1, 1, 3, 1], 100) for _ in range(200))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert scores == [CORRECT] * 1600


def test_countdown_non_text_answer_is_invalid():
    assert countdown(None, [1], 1) == INVALID


def test_countdown_details_explain_the_refusal():
    assert "25" in countdown_details("25 * 25", [25, 4], 100).reason


def test_countdown_rejects_non_integer_numbers():
    with pytest.raises(TypeError):
        countdown("1", [1.5], 1)


# --- string check ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("operation,input,reference,expected", [
    ("eq", "Paris", "Paris", 1.0), ("eq", "Paris", "paris", 0.0), ("eq", "Paris ", "Paris", 0.0),
    ("ne", "Paris", "Rome", 1.0), ("ne", "Paris", "Paris", 0.0),
    ("like", "The capital is Paris.", "Paris", 1.0), ("like", "The capital is Paris.", "paris", 0.0),
    ("ilike", "The capital is PARIS.", "paris", 1.0), ("ilike", "The capital is Rome.", "paris", 0.0),
])
def test_string_check_follows_openai_semantics(operation, input, reference, expected):
    assert string_check(input, reference, operation) == expected


def test_string_check_unknown_operation():
    with pytest.raises(ValueError, match="eq, ne, like, ilike"):
        string_check("a", "a", "contains")


# --- text similarity ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("metric", METRICS)
def test_similarity_identical_texts_score_one(metric):
    assert text_similarity("the quick brown fox jumps over the lazy dog",
                           "the quick brown fox jumps over the lazy dog", metric) == pytest.approx(1.0)


@pytest.mark.parametrize("metric", METRICS)
def test_similarity_disjoint_texts_score_zero(metric):
    assert text_similarity("abcd", "wxyz", metric) == 0.0  # no character, word or n-gram in common


def test_fuzzy_match_is_normalised_indel_similarity():
    """kitten / sitting: longest common subsequence 'ittn' (4); indel distance 6 + 7 - 2*4 = 5; 1 - 5/13 = 8/13."""
    assert text_similarity("kitten", "sitting", "fuzzy_match") == pytest.approx(8 / 13)


def test_rouge_values_by_hand():
    """'the cat sat' vs 'the cat ran': unigrams 2 of 3 each side (2/3); bigrams 1 of 2 (1/2); LCS 'the cat' (2/3)."""
    assert text_similarity("the cat sat", "the cat ran", "rouge_1") == pytest.approx(2 / 3)
    assert text_similarity("the cat sat", "the cat ran", "rouge_2") == pytest.approx(1 / 2)
    assert text_similarity("the cat sat", "the cat ran", "rouge_l") == pytest.approx(2 / 3)


def test_bleu_prefers_the_closer_sentence():
    reference = "the cat is sitting on the red mat today"
    near = text_similarity("the cat is sitting on the red mat", reference, "bleu")
    far = text_similarity("a dog stood under a blue table", reference, "bleu")
    assert 0.0 <= far < near < 1.0


def test_similarity_unknown_metric_lists_the_valid_ones():
    with pytest.raises(ValueError) as info:
        text_similarity("a", "a", "meteor")
    assert all(metric in str(info.value) for metric in METRICS)


def test_similarity_huge_inputs_finish():
    started = time.monotonic()
    score = text_similarity("ab" * 500_000, "ba" * 500_000, "fuzzy_match")
    assert 0.0 <= score <= 1.0
    assert time.monotonic() - started < 30


# --- multi ----------------------------------------------------------------------------------------------------
def _const(value):
    return lambda sample, item: value


def test_multi_combines_named_scores():
    """0.7 * 1.0 + 0.3 * 0.5 = 0.85."""
    grader = multi({"right": _const(1.0), "style": _const(0.5)}, "0.7 * right + 0.3 * style")
    assert grader("text", {}) == pytest.approx(0.85)


def test_multi_functions_and_unary_minus():
    """min(0.2, 0.9) + max(0.2, 0.9) - abs(-0.1) = 1.0; -a + 1 = 0.8."""
    graders = {"a": _const(0.2), "b": _const(0.9)}
    assert multi(graders, "min(a, b) + max(a, b) - abs(-0.1)")("", {}) == pytest.approx(1.0)
    assert multi(graders, "-a + 1")("", {}) == pytest.approx(0.8)


def test_multi_details_report_every_score():
    details = multi({"a": _const(0.25), "b": _const(0.75)}, "a * b").details("", {})
    assert details.scores == {"a": 0.25, "b": 0.75}
    assert details.score == pytest.approx(0.1875)


@pytest.mark.parametrize("formula", ["a + c", "__import__('os').system('true')", "a.real", "a ** 2", "[a][0]",
                                     "lambda: a", "min", "a if a else a", "open('x')", "max(a, key=abs)"])
def test_multi_refuses_bad_formulas_when_built(formula):
    with pytest.raises(ValueError):
        multi({"a": _const(1.0)}, formula)


def test_multi_division_by_zero_scores_zero():
    details = multi({"a": _const(1.0), "b": _const(0.0)}, "a / b").details("", {})
    assert details.score == 0.0
    assert "zero" in details.reason


def test_multi_non_finite_formula_scores_zero_as_the_spec_env_does():
    """One rule (graders.combine.safe_evaluate) for an overflowing formula in MultiGrader and in a spec env."""
    from kernelgym.graders.combine import check_formula, safe_evaluate

    details = multi({"a": _const(1.0)}, "a * 1e308 * 10").details("", {})
    assert details.score == 0.0 and "not finite" in details.reason
    assert safe_evaluate(check_formula("a * 1e308 * 10", {"a"}), {"a": 1.0}) is None
    assert safe_evaluate(check_formula("a / 2", {"a"}), {"a": 1.0}) == 0.5


def test_multi_builds_specs():
    grader = multi({"exact": {"type": "string_check", "input": "{{sample.output_text}}",
                              "reference": "{{item.answer}}", "operation": "eq"},
                    "loose": {"type": "string_check", "input": "{{sample.output_text}}",
                              "reference": "{{item.answer}}", "operation": "ilike"}}, "0.5 * exact + 0.5 * loose")
    assert isinstance(grader, MultiGrader)
    assert grader("PARIS", {"answer": "Paris"}) == pytest.approx(0.5)


def test_multi_names_must_be_identifiers():
    with pytest.raises(ValueError):
        multi({"not a name": _const(1.0)}, "1")


# --- templates and specs --------------------------------------------------------------------------------------
def test_template_reads_nested_item_fields_and_lists():
    context = {"sample": sample_of("x"), "item": {"a": {"b": [10, {"c": "deep"}]}}}
    assert render("{{item.a.b.1.c}}/{{item.a.b.0}}", context) == "deep/10"


def test_template_missing_item_field_raises():
    with pytest.raises(KeyError, match="item.lable"):
        render("{{item.lable}}", {"sample": sample_of("x"), "item": {"label": "a"}})


def test_template_malformed_model_json_renders_empty():
    assert render("[{{sample.output_json.label}}]", {"sample": sample_of('{"label": "sp'), "item": {}}) == "[]"


def test_spec_malformed_json_raises_valueerror():
    with pytest.raises(ValueError, match="not valid JSON"):
        from_spec('{"type": "string_check", "input": "{{sample.output_text}}"')
    with pytest.raises(ValueError, match="not valid JSON"):
        from_spec("[" * 100_000)


def test_spec_unknown_type_and_missing_fields_raise():
    with pytest.raises(ValueError, match="unknown grader type"):
        from_spec({"type": "label_model"})
    with pytest.raises(ValueError, match="operation"):
        from_spec({"type": "string_check", "input": "a", "reference": "b"})


def test_spec_string_check_over_model_json():
    spec = json.dumps({"type": "string_check", "name": "label", "operation": "eq",
                       "input": "{{sample.output_json.label}}", "reference": "{{item.label}}"})
    grader = from_spec(spec)
    assert grader('{"label": "spam"}', {"label": "spam"}) == 1.0
    assert grader('{"label": "spam"', {"label": "spam"}) == 0.0


def test_spec_output_json_reads_a_json_fence_as_spec_envs_do():
    """``{{sample.output_json}}`` means the same in from_spec as in a spec environment: a ```json block counts."""
    from kernelgym.envs.spec import make_sample

    grader = from_spec({"type": "string_check", "input": "{{sample.output_json.label}}", "reference": "{{item.label}}",
                        "operation": "eq"})
    fenced = '```json\n{"label": "spam"}\n```'
    assert grader(fenced, {"label": "spam"}) == 1.0
    assert grader(fenced, {"label": "ham"}) == 0.0
    assert sample_of(fenced)["output_json"] == make_sample(fenced)["output_json"] == {"label": "spam"}


def test_spec_text_similarity():
    grader = from_spec({"type": "text_similarity", "input": "{{sample.output_text}}", "reference": "{{item.ref}}",
                        "evaluation_metric": "rouge_1", "pass_threshold": 0.5})
    assert grader("the cat sat", {"ref": "the cat ran"}) == pytest.approx(2 / 3)


def test_spec_openai_multi_config():
    """A multi grader in OpenAI's config shape: 0.5 * 1 + 0.5 * (2/3)."""
    grader = from_spec({
        "type": "multi",
        "graders": {
            "exact": {"type": "string_check", "input": "{{sample.output_text}}", "reference": "{{item.ref}}",
                      "operation": "ilike"},
            "overlap": {"type": "text_similarity", "input": "{{sample.output_text}}", "reference": "{{item.ref}}",
                        "evaluation_metric": "rouge_1"},
        },
        "calculate_output": "0.5 * exact + 0.5 * overlap",
    })
    assert grader("The Cat Sat", {"ref": "the cat"}) == pytest.approx(0.5 + 0.5 * 0.8)


# --- score model (an LLM judge over HTTP) ----------------------------------------------------------------------
class _Judge:
    """A real HTTP server on 127.0.0.1 that plays the judge model: it answers every chat completion with the
    reply (or status, or raw body) it was told to give, and records the requests it received."""

    def __init__(self):
        self.reply: str = '{"score": 7}'
        self.status = 200
        self.raw: bytes | None = None
        self.delay_s = 0.0
        self.requests: list[dict] = []
        judge = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                judge.requests.append({"path": self.path, "body": json.loads(body),
                                       "authorization": self.headers.get("Authorization")})
                time.sleep(judge.delay_s)
                payload = judge.raw if judge.raw is not None else json.dumps({
                    "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "judge",
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": judge.reply}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}).encode()
                self.send_response(judge.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def judge_server(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)  # the client must talk to 127.0.0.1 directly
    server = _Judge()
    yield server
    server.close()


def _config(server: _Judge, **overrides) -> ScoreModelConfig:
    return ScoreModelConfig(**{"model": "judge", "base_url": server.base_url, "max_retries": 0, "timeout_s": 10,
                               **overrides})


def test_judge_score_is_scaled_to_unit_range(judge_server):
    """A reply of 7 on the default 0-10 scale is 0.7."""
    assert score_model("Paris", "Paris", _config(judge_server)) == pytest.approx(0.7)


def test_judge_request_carries_the_rendered_prompt_and_sampling_params(judge_server):
    config = _config(judge_server, prompt="Q: {{item.question}} Ref: {{reference}} Ans: {{input}} [{{min}}-{{max}}]",
                     sampling_params={"temperature": 0.0, "max_completions_tokens": 16, "seed": 3})
    score_model("Lyon", "Paris", config, item={"question": "Capital of France?"})
    request = judge_server.requests[-1]
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "judge"
    assert request["body"]["messages"] == [{"role": "user",
                                            "content": "Q: Capital of France? Ref: Paris Ans: Lyon [0-10]"}]
    assert (request["body"]["max_tokens"], request["body"]["temperature"], request["body"]["seed"]) == (16, 0.0, 3)


def test_judge_api_key_comes_from_the_named_environment_variable(judge_server, monkeypatch):
    monkeypatch.setenv("MY_JUDGE_KEY", "sk-local-123")
    score_model("a", "a", _config(judge_server, api_key_env="MY_JUDGE_KEY"))
    assert judge_server.requests[-1]["authorization"] == "Bearer sk-local-123"


def test_judge_score_outside_the_range_is_clipped(judge_server):
    judge_server.reply = '{"score": 42}'
    grade = score_model_details("a", "a", _config(judge_server))
    assert grade.score == 1.0
    assert "clipped" in grade.reason


def test_judge_custom_range(judge_server):
    """A reply of 3 on a 1-5 scale: (3 - 1) / (5 - 1) = 0.5."""
    judge_server.reply = "Score: 3"
    assert score_model("a", "a", _config(judge_server, score_range=(1, 5))) == pytest.approx(0.5)


@pytest.mark.parametrize("reply", ["I think it is quite good.", '{"score": ', '{"score": "high"}', "",
                                   '{"score": NaN}', "[" * 50_000])
def test_judge_reply_without_a_score_scores_zero(judge_server, reply):
    judge_server.reply = reply
    grade = score_model_details("a", "a", _config(judge_server))
    assert grade.score == 0.0
    assert "score" in grade.reason


def test_judge_http_error_scores_zero_without_raising(judge_server):
    judge_server.status = 500
    grade = score_model_details("a", "a", _config(judge_server))
    assert grade.score == 0.0
    assert "InternalServerError" in grade.reason


def test_judge_malformed_response_body_scores_zero(judge_server):
    judge_server.raw = b'{"choices": [{"message": '
    grade = score_model_details("a", "a", _config(judge_server))
    assert grade.score == 0.0
    assert "failed" in grade.reason


def test_judge_timeout_scores_zero(judge_server):
    judge_server.delay_s = 2.0
    grade = score_model_details("a", "a", _config(judge_server, timeout_s=0.5))
    assert grade.score == 0.0
    assert "Timeout" in grade.reason


def test_judge_unreachable_endpoint_scores_zero(judge_server):
    port = judge_server.server.server_address[1]
    judge_server.close()
    grade = score_model_details("a", "a", ScoreModelConfig(model="m", base_url=f"http://127.0.0.1:{port}/v1",
                                                           max_retries=0, timeout_s=2))
    assert grade.score == 0.0
    assert "Connection" in grade.reason


def test_judge_broken_template_raises(judge_server):
    with pytest.raises(KeyError):
        score_model("a", "a", _config(judge_server, prompt="{{item.missing}}"))


def test_judge_from_openai_spec(judge_server):
    judge_server.reply = "```json\n{\"result\": 0.9, \"steps\": []}\n```"
    grader = from_spec({"type": "score_model", "name": "judge", "model": "judge", "range": [0, 1],
                        "base_url": judge_server.base_url, "sampling_params": {"temperature": 0},
                        "input": [{"role": "system", "content": "Grade it."},
                                  {"role": "user", "content": "Ref: {{item.reference_answer}} Ans: "
                                                              "{{sample.output_text}}"}]})
    assert grader("Lyon", {"reference_answer": "Paris"}) == pytest.approx(0.9)
    assert judge_server.requests[-1]["body"]["messages"][1]["content"] == "Ref: Paris Ans: Lyon"


def test_judge_from_openai_spec_keeps_the_default_temperature(judge_server):
    """A score_model config without sampling_params is sampled greedily (ScoreModelConfig's temperature 0)."""
    judge_server.reply = "0.5"
    grader = from_spec({"type": "score_model", "name": "judge", "model": "judge", "base_url": judge_server.base_url,
                        "input": [{"role": "user", "content": "{{sample.output_text}}"}]})
    assert grader("x", {}) == pytest.approx(0.5)  # range defaults to [0, 1], as OpenAI's
    assert judge_server.requests[-1]["body"]["temperature"] == 0.0
    with pytest.raises(ValueError, match="sampling_params"):
        from_spec({"type": "score_model", "model": "judge", "input": "x", "sampling_params": [1]})


def test_judge_config_rejects_an_empty_range():
    with pytest.raises(ValueError):
        ScoreModelConfig(model="m", score_range=(5, 5))


def test_from_spec_builds_kernelgyms_own_grader_types_too():
    """One factory for every grader type: the spec environments' math_answer / multilabel_f1 / countdown as well."""
    from kernelgym.graders import from_spec

    grade = from_spec({"type": "math_answer", "reference": "{{ item.answer }}"})
    assert grade({"output_text": "so \\boxed{12}"}, {"answer": "12"}) == 1.0
    with pytest.raises(ValueError, match="unknown field 'colour'"):
        from_spec({"type": "countdown", "numbers": "{{ item.n }}", "target": "{{ item.t }}", "colour": 1})
