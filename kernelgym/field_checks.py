"""Checks of a configuration's fields, for the ``__post_init__`` of every config that takes user input.

Each check reads one field of the config and raises :class:`FieldError` (a ``ValueError``) whose message names
the field as ``Class.field``, the bad value and what is allowed, as :class:`kernelgym.grader.GraderConfig` and
:class:`kernelgym.sandbox.isolation.Limits` do, so that a bad setting stops a run before it starts:

>>> from dataclasses import dataclass
>>> @dataclass
... class Example:
...     steps: int = 1
...     top_p: float = 1.0
...     def __post_init__(self):
...         integer(self, "steps", minimum=1)
...         number(self, "top_p", above=0, maximum=1)
>>> Example(steps=0)
Traceback (most recent call last):
...
kernelgym.field_checks.FieldError: Example.steps must be an integer of at least 1, not 0
>>> Example(top_p=1.5)
Traceback (most recent call last):
...
kernelgym.field_checks.FieldError: Example.top_p must be a number above 0 and at most 1, not 1.5

Booleans are not numbers here (``True`` is no batch size), and numbers must be finite.
"""
from __future__ import annotations

import math
from typing import Any, Iterable


class FieldError(ValueError):
    """A config field holds a value it does not allow.

    Attributes:
        owner: The config's class name, e.g. ``TrainConfig``.
        field: The field's name, e.g. ``learning_rate``.
        value: The value refused.
    """

    def __init__(self, config: Any, field: str, allowed: str):
        self.owner, self.field, self.value = type(config).__name__, field, getattr(config, field)
        super().__init__(f"{self.owner}.{field} must be {allowed}, not {self.value!r}")


def require(config: Any, field: str, ok: bool, allowed: str) -> None:
    """Raise :class:`FieldError` for ``field`` unless ``ok``; ``allowed`` completes "must be ..."."""
    if not ok:
        raise FieldError(config, field, allowed)


def is_integer(value: Any) -> bool:
    """An ``int`` that is not a ``bool``.

    >>> is_integer(3), is_integer(True), is_integer(3.0)
    (True, False, False)
    """
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """A finite ``int`` or ``float`` that is not a ``bool``.

    >>> is_number(0.5), is_number(2), is_number(float("nan")), is_number(False), is_number("1")
    (True, True, False, False, False)
    """
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def integer(config: Any, field: str, minimum: int | None = None, optional: bool = False) -> None:
    """``field`` is an integer (of at least ``minimum``), or None where ``optional``."""
    value = getattr(config, field)
    if optional and value is None:
        return
    allowed = "an integer" + (f" of at least {minimum}" if minimum is not None else "")
    require(config, field, is_integer(value) and (minimum is None or value >= minimum),
            ("None or " if optional else "") + allowed)


def number(config: Any, field: str, *, above: float | None = None, minimum: float | None = None,
           maximum: float | None = None, below: float | None = None, optional: bool = False) -> None:
    """``field`` is a finite number within the bounds given (``above``/``below`` exclusive, ``minimum``/``maximum``
    inclusive), or None where ``optional``."""
    value = getattr(config, field)
    if optional and value is None:
        return
    bounds = [(above, "above", lambda v, b: v > b), (minimum, "at least", lambda v, b: v >= b),
              (maximum, "at most", lambda v, b: v <= b), (below, "below", lambda v, b: v < b)]
    given = [(bound, words, test) for bound, words, test in bounds if bound is not None]
    ok = is_number(value) and all(test(value, bound) for bound, _, test in given)
    allowed = "a number" + (" " + " and ".join(f"{words} {bound:g}" for bound, words, _ in given) if given else "")
    require(config, field, ok, ("None or " if optional else "") + allowed)


def choice(config: Any, field: str, choices: Iterable[Any]) -> None:
    """``field`` is one of ``choices``."""
    choices = tuple(choices)
    require(config, field, getattr(config, field) in choices, "one of " + ", ".join(map(repr, choices)))


def flag(config: Any, field: str, optional: bool = False) -> None:
    """``field`` is ``True`` or ``False`` (or None where ``optional``)."""
    value = getattr(config, field)
    require(config, field, isinstance(value, bool) or (optional and value is None),
            "True, False or None" if optional else "True or False")


def string(config: Any, field: str, optional: bool = False) -> None:
    """``field`` is a non-empty string (or None where ``optional``)."""
    value = getattr(config, field)
    require(config, field, (isinstance(value, str) and value.strip() != "") or (optional and value is None),
            ("None or " if optional else "") + "a non-empty string")


def strings(config: Any, field: str) -> None:
    """``field`` is a list of non-empty strings (possibly empty)."""
    value = getattr(config, field)
    require(config, field, isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value),
            "a list of non-empty strings")


def url(config: Any, field: str, optional: bool = False) -> None:
    """``field`` is an ``http://`` or ``https://`` URL (or None where ``optional``)."""
    value = getattr(config, field)
    scheme, _, rest = value.partition("://") if isinstance(value, str) else ("", "", "")
    require(config, field, (scheme in ("http", "https") and rest.strip() != "") or (optional and value is None),
            ("None or " if optional else "") + "an http:// or https:// URL")
