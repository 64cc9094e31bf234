"""Math word problems (GSM8K, MATH) graded by their final answer, with ReFT's partial reward.

The final answer is found in this order: the last ``\\boxed{...}`` (or ``\\fbox{...}``), else the text after the
last GSM8K ``####`` marker, else the text after the last "answer is" / "answer:", else the last number in the
completion. It is read as an exact rational (commas between thousands, currency signs, units, percentages,
``3/4`` and ``\\frac{3}{4}`` handled) and compared exactly; an answer that is not a plain number (``\\sqrt{2}``,
``\\frac{\\pi}{2}``, ``2^{10}``) is compared by HuggingFace's math-verify where it is installed.

Scores (ReFT, Luong et al. 2024): ``CORRECT`` when the final answer equals the expected one, ``WRONG_NUMBER`` when
a number was given but it is wrong, ``NO_ANSWER`` when there was no number at all.
"""
from __future__ import annotations

import re
from fractions import Fraction

from .result import Grade

CORRECT = 1.0
WRONG_NUMBER = 0.1
NO_ANSWER = 0.0
MAX_DIGITS = 1000  # longer numbers are "a number, but wrong": never parsed into an integer
MAX_VERIFY_CHARS = 100  # longest non-numeric answer handed to math-verify

_CORE = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_NUMBER_TOKEN = re.compile(
    r"(?<![\w.)])[-−]?\\[dt]?frac\{\s*[-−]?(?:" + _CORE + r")\s*\}\{\s*[-−]?(?:" + _CORE + r")\s*\}"
    r"|(?<![\w.)])[-−]?(?:" + _CORE + r")(?:[eE][-+]?\d{1,4}\b|\s*/\s*(?:" + _CORE + r"))?\s*%?")
_PLAIN = re.compile(r"([-+]?)(" + _CORE + r")(?:[eE]([-+]?\d{1,4}))?")
_LATEX_FRACTION = re.compile(r"([-+]?)\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}")
_WORDS = re.compile(r"^[^\W\d_][^\d]*?(?=[-+.\d\\])|(?<=[\d.}%])\s*[^\W\d_][^\d]*$")
_ANSWER_PHRASE = re.compile(r"answer\s*(?:is|:)\s*:?", re.IGNORECASE)
# What could make sympy work for minutes: two powers (a tower), a 3+ digit exponent, a factorial of a 3+ digit number
# or of a bracket, a double factorial, a 3+ digit e-exponent.
_RISKY = re.compile(r"\^.*\^|\^\s*\{?\s*[-+]?\d{3,}|\d{3,}\s*!|[)}\]]\s*!|!\s*!|\d[eE][-+]?\d{3,}", re.DOTALL)


def extract_answer(completion: str) -> str | None:
    """The final answer written in a completion, as text, or None where there is none.

    >>> extract_answer("First 3 + 4 = 7, so the total is \\\\boxed{\\\\frac{7}{2}}.")
    '\\\\frac{7}{2}'
    >>> extract_answer("She pays 3 * 4 = 12 dollars.\\n#### 12")
    '12'
    >>> extract_answer("I think the answer is 1,234 apples. Because 1000 + 234.")
    '1,234 apples'
    >>> extract_answer("3 + 4 makes 7") , extract_answer("no idea")
    ('7', None)
    """
    if not isinstance(completion, str) or not completion:
        return None
    boxed = _last_boxed(completion)
    if boxed is not None:
        return boxed.strip()
    at = completion.rfind("####")
    if at >= 0:
        return _first_line(completion[at + len("####"):])
    phrases = list(_ANSWER_PHRASE.finditer(completion))
    if phrases:
        rest = _first_line(completion[phrases[-1].end():])
        if any(c.isdigit() for c in rest):
            return rest
    tokens = _NUMBER_TOKEN.findall(completion)
    return tokens[-1].strip() if tokens else None


def _first_line(text: str) -> str:
    line = text.strip().split("\n", 1)[0]
    line = re.split(r"\.\s", line + " ", maxsplit=1)[0]  # the first sentence
    return line.strip().rstrip(".").strip()


def _last_boxed(text: str) -> str | None:
    start = max(text.rfind("\\boxed{"), text.rfind("\\fbox{"))
    if start < 0:
        return None
    i = text.index("{", start) + 1
    depth, begin = 1, i
    while i < len(text):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[begin:i]
        i += 1
    return None  # unbalanced: not an answer


def parse_number(text: str) -> Fraction | None:
    """The exact value of a plainly written number, or None.

    Handles signs, thousands separators, decimals, ``e`` exponents, fractions (``3/4``, ``\\frac{3}{4}``),
    currency, units and words around the number (``$1,200.50``, ``12 cm``, ``x = 5``), LaTeX spacing and
    ``\\text{...}``. A percentage is read as written (``50%`` is 50); :func:`math_answer` also accepts it as 0.5.

    >>> parse_number("$1,234.50"), parse_number("\\\\frac{3}{4}"), parse_number("x = -3/6 cm")
    (Fraction(2469, 2), Fraction(3, 4), Fraction(-1, 2))
    >>> parse_number("1,23") is None, parse_number("\\\\sqrt{2}") is None
    (True, True)
    """
    parsed = _parse(text)
    return parsed[0] if parsed else None


def _parse(text: str) -> tuple[Fraction, bool] | None:
    """(value, written as a percentage) or None."""
    if not isinstance(text, str) or len(text) > 4 * MAX_DIGITS:
        return None
    s = _clean(text)
    percent = s.endswith("%")
    s = s.rstrip("%").strip()
    match = _LATEX_FRACTION.fullmatch(s)
    if match:
        top, bottom = _plain(match.group(2).strip()), _plain(match.group(3).strip())
        if top is None or bottom is None or bottom == 0:
            return None
        value = top / bottom
        return (-value if match.group(1) == "-" else value), percent
    if s.count("/") == 1:
        top, bottom = (_plain(part.strip()) for part in s.split("/"))
        if top is None or bottom is None or bottom == 0:
            return None
        return top / bottom, percent
    value = _plain(s)
    return (value, percent) if value is not None else None


def _clean(text: str) -> str:
    s = text.strip().replace("−", "-").replace("{,}", ",").replace("\\%", "%").replace("\\$", "$")
    for junk in ("\\!", "\\,", "\\;", "\\:", "\\ ", "~", "\\left", "\\right", "^\\circ", "^{\\circ}", "°", "$",
                 "€", "£", "¥", "₹", "\\displaystyle"):
        s = s.replace(junk, " " if junk.startswith("\\") and junk[1:2].isalpha() else "")
    s = re.sub(r"\\(?:text|mathrm|mbox|textbf|mathbf)\{([^{}]*)\}", r" \1 ", s)
    if "=" in s:
        s = s.rsplit("=", 1)[1]
    s = s.strip().rstrip(".").strip()
    s = _WORDS.sub("", s).strip()
    return s


def _plain(s: str) -> Fraction | None:
    match = _PLAIN.fullmatch(s.replace(" ", ""))
    if not match:
        return None
    sign, core, exponent = match.groups()
    digits = sum(c.isdigit() for c in core)
    if digits > MAX_DIGITS or (exponent and digits + abs(int(exponent)) > MAX_DIGITS):
        return None
    value = Fraction(core.replace(",", ""))
    if exponent:
        value *= Fraction(10) ** int(exponent)
    return -value if sign == "-" else value


def _decimal_places(text: str) -> int:
    match = re.search(r"\.(\d+)(?!.*\d)", text)
    return len(match.group(1)) if match else 0


def _equal(answer: tuple[Fraction, bool], expected: tuple[Fraction, bool], places: int) -> bool:
    """Exact equality (a percentage may also stand for its hundredth), or a decimal answer that is the expected
    value correctly rounded to the places it gives (at least two), where the expected value needs more."""
    values = {answer[0]} | ({answer[0] / 100} if answer[1] else set())
    targets = {expected[0]} | ({expected[0] / 100} if expected[1] else set())
    if values & targets:
        return True
    if places < 2:
        return False
    scale = Fraction(10) ** places
    return any((t * scale).denominator != 1 and abs(v - t) * 2 * scale <= 1 for v in values for t in targets)


def math_answer(completion: str, expected: str | int | float | Fraction) -> float:
    """1.0 if the completion's final answer equals ``expected``, 0.1 if it gave a wrong number, 0.0 if none.

    Args:
        completion: The model's full answer.
        expected: The expected answer: a number, or text (``"72"``, ``"\\\\frac{3}{4}"``, a GSM8K solution
            ending in ``#### 72``).

    >>> math_answer("Each costs $3, so 4 cost \\\\boxed{\\\\$12}.", 12)
    1.0
    >>> math_answer("The answer is 0.75", "\\\\frac{3}{4}"), math_answer("#### 1,000", "1000")
    (1.0, 1.0)
    >>> math_answer("The answer is 13", 12), math_answer("I don't know", 12)
    (0.1, 0.0)
    """
    return math_answer_details(completion, expected).score


def math_answer_details(completion: str, expected: str | int | float | Fraction) -> Grade:
    """:func:`math_answer` with the extracted answer and the reason.

    >>> math_answer_details("so \\\\boxed{7}", 8)
    Grade(score=0.1, reason='the final answer 7 is not 8', answer='7')
    """
    answer = extract_answer(completion)
    if answer is None:
        return Grade(NO_ANSWER, "no final answer found", None)
    target_text = _expected_text(expected)
    target = _parse(target_text)
    if target is None and ("####" in target_text or _last_boxed(target_text) is not None):
        target_text = extract_answer(target_text) or target_text  # a whole GSM8K or MATH solution
        target = _parse(target_text)
    value = _parse(answer)
    shown = answer if len(answer) <= 200 else answer[:100] + "..." + answer[-50:]
    if value is not None and target is not None:
        if _equal(value, target, _decimal_places(answer)):
            return Grade(CORRECT, "", shown)
        return Grade(WRONG_NUMBER, f"the final answer {shown} is not {target_text[:200]}", shown)
    if _math_verify(answer, target_text):
        return Grade(CORRECT, "equal by math-verify", shown)
    if any(c.isdigit() for c in answer):
        return Grade(WRONG_NUMBER, f"the final answer {shown} is not {target_text[:200]}", shown)
    return Grade(NO_ANSWER, f"the final answer {shown!r} has no number", shown)


def _expected_text(expected) -> str:
    if isinstance(expected, bool):
        raise TypeError("expected answer is a bool, not a number")
    if isinstance(expected, Fraction):
        return f"{expected.numerator}/{expected.denominator}"
    if isinstance(expected, float):
        if expected != expected or expected in (float("inf"), float("-inf")):
            raise ValueError(f"expected answer {expected} is not a finite number")
        return repr(expected)
    return str(expected)


def _math_verify(answer: str, expected: str) -> bool:
    """math-verify's verdict on two short answers that are not plain numbers; False where it cannot say.

    math-verify bounds its own time with ``signal.alarm``, which works only in the main thread and would replace
    any other alarm; its timeouts are off here (so that the grader scores the same in every thread), and inputs
    that could take sympy a long time (long answers, power towers, big exponents, factorials) are refused before
    they reach it. What remains is sympy's own time on a short, tower-free expression.
    """
    if any(len(s) > MAX_VERIFY_CHARS or _RISKY.search(s) for s in (answer, expected)):
        return False
    try:
        from math_verify import parse, verify
    except ImportError:
        return False
    try:
        gold = parse(f"${expected}$", parsing_timeout=None)
        guess = parse(f"${answer}$", parsing_timeout=None)
        return bool(gold and guess and verify(gold, guess, timeout_seconds=None))
    except Exception:  # math-verify or sympy choking on odd input: not provably equal
        return False
