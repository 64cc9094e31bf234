"""OpenAI's string check grader: exact and substring comparisons that score 1.0 or 0.0."""
from __future__ import annotations

OPERATIONS = ("eq", "ne", "like", "ilike")


def string_check(input: str, reference: str, operation: str = "eq") -> float:
    """Compare the model's text with a reference, as OpenAI's ``string_check`` grader does.

    Args:
        input: The model's text (in an OpenAI grader config, usually ``{{sample.output_text}}``).
        reference: The text to compare with (usually ``{{item.<field>}}``).
        operation: ``eq`` (equal), ``ne`` (not equal), ``like`` (``input`` contains ``reference``,
            case-sensitive) or ``ilike`` (contains, case-insensitive). Nothing is stripped or normalised.

    Returns:
        1.0 when the comparison holds, else 0.0.

    Raises:
        ValueError: An unknown operation.

    >>> string_check("Paris", "Paris"), string_check("Paris", "paris")
    (1.0, 0.0)
    >>> string_check("The capital is Paris.", "paris", "ilike"), string_check("Paris", "Rome", "ne")
    (1.0, 1.0)
    """
    if operation not in OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}; use one of {', '.join(OPERATIONS)}")
    input, reference = str(input), str(reference)
    if operation == "eq":
        holds = input == reference
    elif operation == "ne":
        holds = input != reference
    elif operation == "like":
        holds = reference in input
    else:
        holds = reference.casefold() in input.casefold()
    return 1.0 if holds else 0.0
