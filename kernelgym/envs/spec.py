"""A new environment without writing Python: a YAML or JSON spec names a data file, a prompt and graders.

``kernelgym.make("path/to/spec.yaml")`` (or ``.yml``, ``.json``) calls :func:`make_from_spec`. A spec::

    id: myorg/sentiment-v0            # optional: also registered under this id, for kernelgym.make(id)
    data: data.jsonl                  # one JSON object per line, relative to the spec file
    prompt: |                         # the user message; {{ item.FIELD }} reads the row
      Classify the sentiment of: {{ item.text }}
      Answer with a JSON object {"label": "positive"} or {"label": "negative"}.
    graders:                          # OpenAI RFT grader configs, by name (each name is a reward component)
      exact: {type: string_check, input: "{{ sample.output_json.label }}", reference: "{{ item.label }}",
              operation: eq}
      fuzzy: {type: text_similarity, input: "{{ sample.output_json.label }}", reference: "{{ item.label }}",
              evaluation_metric: fuzzy_match}
    weights: {exact: 0.7, fuzzy: 0.3} # or formula: "0.7 * exact + 0.3 * fuzzy"
    reference_answer: '{"label": "{{ item.label }}"}'   # optional: an answer that solves the row
    split: {validation: 0.1, test: 0.1}

Fields (anything else is refused, so a typo is an error and not a silent default):

- ``data``: a JSONL file, or ``{train: FILE, validation: FILE, test: FILE}`` (any of them; each file's rows form
  that split, as OpenAI's training and validation files do). Rows are JSON objects; a row is the ``item`` of
  the templates, exactly as in OpenAI's graders.
- ``prompt`` (a template) with optional ``system`` (a template), or ``messages`` (a list of ``{role, content}``
  templates), or neither when the rows carry OpenAI's ``messages`` field (the RFT data format): those are the
  prompt. Prompt templates may use ``{{ item.* }}`` only.
- ``graders``: name to grader config. Types: OpenAI's ``string_check``, ``text_similarity``, ``python``
  (sandboxed), ``score_model`` (an LLM judge at any OpenAI-compatible endpoint) and ``multi``, built by
  :func:`kernelgym.graders.from_spec` with OpenAI's field names; plus KernelGym's ``math_answer``
  (``reference``), ``multilabel_f1`` (``reference``, ``metric``: precision / recall / f1, ``beta``) and
  ``countdown`` (``numbers``, ``target``, ``use_all``), whose ``input`` defaults to ``{{ sample.output_text }}``.
  Or ``grader``: one OpenAI grader config as an RFT job's ``grader`` field holds it; a ``multi`` grader's
  ``graders`` become the components and its ``calculate_output`` the formula.
- ``weights`` (name to number; every grader needs one, 0 to only log it) or ``formula`` (alias
  ``calculate_output``: OpenAI's multi-grader arithmetic over the names); neither: the mean of the graders.
- ``pass_threshold``: the reward at which a task counts as solved (ends a multi-turn episode); default the reward
  when every grader scores 1.
- ``reference_answer``: a template over the row for an answer that solves it (the environment checker uses it).
- ``split``: ``{validation: FRACTION, test: FRACTION}`` for a single data file (default 0.15 each); a row's split
  is a stable hash of its id, which is its ``id`` field (or the field ``id_field`` names), else its line number.
- ``strip_thinking``: grade only the text after a ``</think>`` (default true; OpenAI's ``output_text`` never
  holds a reasoning model's reasoning).
- ``id``, ``description``: the environment's id (``namespace/name-vN``; default ``spec/<name>-v0``) and a note.

``{{ sample.output_text }}`` is the completion (after ``strip_thinking``); ``{{ sample.output_json.* }}`` reads
it as JSON, also from a single ```` ```json ```` block (an answer that is not JSON renders as ""). A malformed
spec raises :class:`SpecError` naming the file and the field when the environment is made, never during
training: unknown fields, a missing data file, a bad row, an unknown grader type, a missing grader field, a
template that names a field a row lacks, weights or a formula that name an unknown grader.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..graders.extras import CountdownGrader
from ..graders.templates import FIELD, MISSING, lookup
from ..graders.text import output_json, output_text
from ..problem import SPLITS, split_of
from .core import Graded, Task, TextEnv, env_id_problem, weighted

EXAMPLE_SPEC = Path(__file__).resolve().parent.parent / "data" / "examples" / "sentiment" / "spec.yaml"
FIELDS = ("id", "description", "data", "prompt", "system", "messages", "graders", "grader", "weights", "formula",
          "calculate_output", "pass_threshold", "reference_answer", "split", "id_field", "strip_thinking")

Grader = Callable[[dict, dict], float]


class SpecError(ValueError):
    """A malformed environment spec; the message names the file and the field."""


# --- what the graders see -----------------------------------------------------------------------------------
def make_sample(completion: str, strip_thinking: bool = True) -> dict:
    """The ``sample`` of the graders: ``{"output_text", "output_json"}``.

    >>> make_sample('<think>hmm</think>```json\\n{"label": "spam"}\\n```')
    {'output_text': '```json\\n{"label": "spam"}\\n```', 'output_json': {'label': 'spam'}}
    """
    text = output_text(completion, strip_thinking)
    return {"output_text": text, "output_json": output_json(text)}


# --- the spec -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SpecRow:
    """One task of a spec environment.

    Attributes:
        task_id: The row's id (unique).
        split: ``train``, ``validation`` or ``test``.
        item: The data row, as the templates and graders see it.
        messages: The rendered prompt (OpenAI-style messages, the last one the user's).
        reference: The rendered reference answer, or None.
    """

    task_id: str
    split: str
    item: dict
    messages: tuple[dict, ...]
    reference: str | None


@dataclass
class EnvSpec:
    """A parsed and checked spec.

    Attributes:
        path: The spec file.
        env_id: The environment's id.
        rows: The tasks.
        graders: Name to grader ``(sample, item) -> float``, in the spec's order.
        weights: Name to weight (None when a formula combines them).
        formula: The formula text (None with weights).
        pass_threshold: The reward at which a task is solved.
        strip_thinking: Grade only the text after ``</think>``.
        description: The spec's note.
        register_id: The ``id`` the spec asked to be registered under, or None.
    """

    path: Path
    env_id: str
    rows: list[SpecRow]
    graders: dict[str, Grader]
    weights: dict[str, float] | None = None
    formula: str | None = None
    pass_threshold: float = 1.0
    strip_thinking: bool = True
    description: str = ""
    register_id: str | None = None
    _tree: Any = field(default=None, repr=False)


def read_spec(path: str | Path) -> dict:
    """The raw spec: a YAML (``.yaml``, ``.yml``) or JSON (``.json``) object.

    Raises:
        SpecError: No such file, a syntax error (with its line), or not an object.
    """
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"{path}: no such spec file")
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    else:
        try:
            import yaml
        except ImportError as exc:  # pragma: no cover - pyyaml comes with transformers and datasets
            raise SpecError(f"{path}: reading YAML needs pyyaml (pip install pyyaml), or write the spec as JSON") \
                from exc
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise SpecError(f"{path}: not valid YAML{where}: {problem}") from None
    if not isinstance(raw, dict):
        raise SpecError(f"{path}: a spec is a mapping of fields ({', '.join(FIELDS[:5])}, ...), "
                        f"not {type(raw).__name__}")
    return raw


def load_spec(path: str | Path, sandbox=None) -> EnvSpec:
    """Read, check and build a spec: its rows, rendered prompts and graders.

    Args:
        path: The spec file.
        sandbox: A :class:`kernelgym.grader.Grader` for ``python`` graders (default: each starts its own).

    Raises:
        SpecError: Anything malformed, with the file and the field in the message.
    """
    path = Path(path)
    raw = read_spec(path)
    unknown = [key for key in raw if key not in FIELDS]
    if unknown:
        raise SpecError(f"{path}: unknown field {unknown[0]!r}; a spec has {', '.join(FIELDS)}")

    def error(where: str, message: str) -> SpecError:
        return SpecError(f"{path}: {where}: {message}")

    register_id = raw.get("id")
    if register_id is not None and env_id_problem(register_id):
        raise error("id", env_id_problem(register_id))
    name = path.parent.name if path.stem in ("spec", "env") and path.parent.name else path.stem
    slug = re.sub(r"[^\w.-]+", "-", name) or "env"
    env_id = register_id or f"spec/{slug}-v0"

    graders_raw, formula = _graders_field(raw, error)
    graders = {gname: _build_grader(gname, config, sandbox, error) for gname, config in graders_raw.items()}
    weights, tree = None, None
    if formula is not None:
        from ..graders.combine import check_formula

        key = "formula" if "formula" in raw else ("calculate_output" if "calculate_output" in raw
                                                  else "grader.calculate_output")
        if not isinstance(formula, str):
            raise error(key, "the formula is text, e.g. \"0.7 * exact + 0.3 * fuzzy\"")
        try:
            tree = check_formula(formula, set(graders))
        except ValueError as exc:
            raise error(key, str(exc)) from None
    else:
        weights = _weights_field(raw, graders, error)

    rows = _rows(path, raw, error)
    _check_item_fields(graders_raw, rows, error)
    for gname, grader in graders.items():
        if isinstance(grader, CountdownGrader):
            grader.prepare(rows, lambda message, where=f"graders.{gname}": error(where, message))
    spec = EnvSpec(path=path, env_id=env_id, rows=[], graders=graders, weights=weights, formula=formula,
                   strip_thinking=_bool_field(raw, "strip_thinking", True, error),
                   description=str(raw.get("description", "")), register_id=register_id, _tree=tree)
    spec.rows = _render_rows(raw, rows, error)
    threshold = raw.get("pass_threshold")
    if threshold is None:
        threshold = combine(spec, {gname: 1.0 for gname in graders}).reward
    elif isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not math.isfinite(threshold):
        raise error("pass_threshold", f"must be a number, not {threshold!r}")
    spec.pass_threshold = float(threshold)
    return spec


def _graders_field(raw: dict, error) -> tuple[dict[str, Any], str | None]:
    """The named grader configs and the formula (None unless given)."""
    if ("graders" in raw) == ("grader" in raw):
        raise error("graders", "give either graders (name to grader config) or grader (one OpenAI grader "
                               "config)")
    formula = raw.get("formula", raw.get("calculate_output"))
    if "formula" in raw and "calculate_output" in raw:
        raise error("formula", "give formula or calculate_output, not both")
    if formula is not None and "weights" in raw:
        raise error("weights", "give weights or a formula, not both")
    if "graders" in raw:
        graders = raw["graders"]
        if not isinstance(graders, dict) or not graders:
            raise error("graders", "a mapping of grader names to grader configs, with at least one")
    else:
        single = raw["grader"]
        if not isinstance(single, dict):
            raise error("grader", "an OpenAI grader config (a mapping with a type)")
        if single.get("type") == "multi":
            graders = single.get("graders")
            if not isinstance(graders, dict) or not graders:
                raise error("grader.graders", "a multi grader needs graders (name to grader config)")
            if formula is not None:
                raise error("formula", "a multi grader has its own calculate_output")
            formula = single.get("calculate_output")
            if formula is None:
                raise error("grader.calculate_output", "a multi grader needs calculate_output")
        else:
            label = single.get("name")
            graders = {label if isinstance(label, str) and label.isidentifier() else "score": single}
    for gname in graders:
        if not (isinstance(gname, str) and gname.isidentifier()):
            raise error(f"graders.{gname}", "grader names are identifiers (letters, digits, _), since they name "
                                            "reward components and formula variables")
    return graders, formula


def _weights_field(raw: dict, graders: dict, error) -> dict[str, float]:
    weights = raw.get("weights")
    if weights is None:
        return {gname: 1.0 / len(graders) for gname in graders}
    if not isinstance(weights, dict):
        raise error("weights", "a mapping of grader names to numbers")
    for gname, weight in weights.items():
        if gname not in graders:
            raise error(f"weights.{gname}", f"no grader is named {gname!r} ({', '.join(graders)})")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight):
            raise error(f"weights.{gname}", f"must be a number, not {weight!r}")
    missing = [gname for gname in graders if gname not in weights]
    if missing:
        raise error("weights", f"grader {missing[0]!r} has no weight (give it 0 to only log its score)")
    return {gname: float(weights[gname]) for gname in graders}


def _bool_field(raw: dict, key: str, default: bool, error) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise error(key, f"must be true or false, not {value!r}")
    return value


def _build_grader(name: str, config: Any, sandbox, error) -> Grader:
    where = f"graders.{name}"
    if not isinstance(config, dict):
        raise error(where, "a grader config is a mapping with a type")
    from ..graders.spec import ALL_TYPES, from_spec

    if config.get("type") not in ALL_TYPES:
        raise error(f"{where}.type", f"unknown grader type {config.get('type')!r}; use one of {', '.join(ALL_TYPES)}")
    try:
        return from_spec(config, sandbox)
    except ValueError as exc:
        raise error(where, str(exc)) from None


def _rows(path: Path, raw: dict, error) -> list[tuple[str, str, dict]]:
    """``(task id, split, item)`` for every data row."""
    data = raw.get("data")
    if data is None:
        raise error("data", "missing: the JSONL file of rows (relative to the spec file)")
    if isinstance(data, str):
        files = [(None, "data", data)]
    elif isinstance(data, dict) and data and all(key in SPLITS for key in data):
        files = [(split, f"data.{split}", name) for split, name in data.items()]
    else:
        raise error("data", f"a file name, or a mapping of {', '.join(SPLITS)} to file names")
    fractions = _split_fractions(raw, error)
    if fractions is not None and len(files) > 1:
        raise error("split", "fractions split a single data file; with one file per split, leave split out")
    id_field = raw.get("id_field")
    if id_field is not None and not isinstance(id_field, str):
        raise error("id_field", f"the name of a row field, not {id_field!r}")
    validation, test = fractions if fractions is not None else (0.15, 0.15)
    rows, seen = [], {}
    for split, where, name in files:
        if not isinstance(name, str):
            raise error(where, f"a file name, not {name!r}")
        file = (path.parent / name).resolve()
        if not file.is_file():
            raise error(where, f"data file {file} does not exist")
        for number, item in _read_rows(file, lambda message: error(where, message)):
            if id_field is not None:
                if id_field not in item:
                    raise error("id_field", f"{file.name} line {number} has no field {id_field!r}")
                task_id = str(item[id_field])
            elif "id" in item:
                task_id = str(item["id"])
            else:
                task_id = f"{file.stem}-{number:05d}" if len(files) > 1 else f"row-{number:05d}"
            if task_id in seen:
                raise error(where, f"{file.name} line {number}: task id {task_id!r} is used twice "
                                   f"(first at {seen[task_id]})")
            seen[task_id] = f"{file.name} line {number}"
            rows.append((task_id, split or split_of(task_id, validation, test), item))
    if not rows:
        raise error("data", "the data holds no rows")
    return rows


def _read_rows(file: Path, error) -> list[tuple[int, dict]]:
    rows = []
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise error(f"{file.name} line {number} is not valid JSON ({exc})") from None
        if not isinstance(item, dict):
            raise error(f"{file.name} line {number} is a JSON {type(item).__name__}, not an object")
        rows.append((number, item))
    return rows


def _split_fractions(raw: dict, error) -> tuple[float, float] | None:
    split = raw.get("split")
    if split is None:
        return None
    if not isinstance(split, dict) or set(split) - {"validation", "test"}:
        raise error("split", "a mapping {validation: FRACTION, test: FRACTION}")
    values = []
    for key in ("validation", "test"):
        value = split.get(key, 0.0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
            raise error(f"split.{key}", f"a fraction in [0, 1), not {value!r}")
        values.append(float(value))
    if sum(values) >= 1:
        raise error("split", "validation and test together must leave some rows for train")
    return values[0], values[1]


def _template_fields(value: Any) -> set[str]:
    """Every ``{{ path }}`` in a config's strings (a python grader's source is code, not a template)."""
    if isinstance(value, str):
        return set(FIELD.findall(value))
    if isinstance(value, dict):
        return set().union(*(_template_fields(v) for k, v in value.items() if k != "source"))
    if isinstance(value, list):
        return set().union(*(_template_fields(v) for v in value))
    return set()


def _check_item_fields(graders: dict[str, Any], rows: list[tuple[str, str, dict]], error) -> None:
    """Every ``{{ item.* }}`` a grader reads exists in every row, checked now rather than mid-training."""
    for gname, config in graders.items():
        for path in sorted(_template_fields(config)):
            parts = path.split(".")
            if parts[0] != "item":
                continue
            for task_id, _, item in rows:
                if lookup(item, parts[1:]) is MISSING:
                    raise error(f"graders.{gname}", f"{{{{ {path} }}}} is not in row {task_id!r} (its fields: "
                                                    f"{', '.join(item)})")


def _render_rows(raw: dict, rows: list[tuple[str, str, dict]], error) -> list[SpecRow]:
    from ..graders.templates import render

    if "messages" in raw and ("prompt" in raw or "system" in raw):
        raise error("messages", "give prompt (with an optional system) or messages, not both")
    if "messages" in raw:
        templates = raw["messages"]
        if not (isinstance(templates, list) and templates and all(
                isinstance(m, dict) and set(m) == {"role", "content"} and isinstance(m["content"], str)
                and m["role"] in ("system", "user", "assistant", "developer") for m in templates)):
            raise error("messages", "a list of {role, content} messages (roles system, developer, user, "
                                    "assistant)")
        if templates[-1]["role"] != "user":
            raise error("messages", "the last message is the user's")
        templates = [(f"messages.{i}", m["role"], m["content"]) for i, m in enumerate(templates)]
    elif "prompt" in raw:
        for key in ("prompt", "system"):
            if key in raw and not isinstance(raw[key], str):
                raise error(key, "a template string")
        templates = ([("system", "system", raw["system"])] if "system" in raw else []) + \
            [("prompt", "user", raw["prompt"])]
    else:
        templates = None  # the rows' own OpenAI-style messages
    reference = raw.get("reference_answer")
    if reference is not None and not isinstance(reference, str):
        raise error("reference_answer", "a template string")
    checked = [(where, text) for where, _, text in templates or []] + \
        ([("reference_answer", reference)] if reference is not None else [])
    for where, text in checked:
        for path in FIELD.findall(text):
            if path.split(".")[0] != "item":
                raise error(where, f"{{{{ {path} }}}}: prompts and reference answers read the row, as "
                                   f"{{{{ item.FIELD }}}}")
    out = []
    for task_id, split, item in rows:
        context = {"item": item}

        def fill(where: str, text: str) -> str:
            try:
                return render(text, context)
            except KeyError as exc:
                raise error(where, f"row {task_id!r}: {exc.args[0]}") from None

        if templates is None:
            messages = _row_messages(item)
            if messages is None:
                raise error("prompt", f"missing: give prompt or messages, or rows with OpenAI's messages field "
                                      f"ending in a user message (row {task_id!r} has none)")
        else:
            messages = tuple({"role": role, "content": fill(where, text)} for where, role, text in templates)
        shown = fill("reference_answer", reference) if reference is not None else None
        out.append(SpecRow(task_id, split, item, messages, shown))
    return out


def _row_messages(item: dict) -> tuple[dict, ...] | None:
    messages = item.get("messages")
    if not (isinstance(messages, list) and messages and all(
            isinstance(m, dict) and isinstance(m.get("content"), str) and isinstance(m.get("role"), str)
            for m in messages)) or messages[-1]["role"] != "user":
        return None
    return tuple({"role": m["role"], "content": m["content"]} for m in messages)


# --- combining grader scores --------------------------------------------------------------------------------
def combine(spec: EnvSpec, scores: dict[str, float]) -> Graded:
    """The reward of one set of grader scores, with each grader's contribution.

    With weights, a contribution is weight times score. With a formula, it is the change in the formula's value
    when that grader's score is switched on, graders taken in the spec's order with the others at 0 (so for a
    weighted sum it is again weight times score, and the contributions add up to the formula's value; a constant
    term of the formula goes to the first grader). A formula that is undefined or not finite scores 0, as
    OpenAI's multi grader does; an undefined intermediate point contributes nothing.
    """
    if spec.weights is not None:
        return weighted(scores, spec.weights)
    from ..graders.combine import safe_evaluate

    names = list(spec.graders)

    def value(upto: int) -> float | None:
        return safe_evaluate(spec._tree, {n: (scores[n] if i < upto else 0.0) for i, n in enumerate(names)})

    total = value(len(names))
    contributions, previous = {}, 0.0
    for i, n in enumerate(names, start=1):
        current = (total if total is not None else 0.0) if i == len(names) else value(i)
        current = previous if current is None else current
        contributions[n] = current - previous
        previous = current
    return Graded(reward=sum(contributions.values()), components=dict(scores), contributions=contributions,
                  solved=False)


@dataclass(frozen=True)
class SpecGrade:
    """The grading record of a spec environment (``info["result"]``).

    Attributes:
        scores: Each grader's score.
        output_text: The text the graders saw (the completion after ``strip_thinking``).
        output_json: That text read as JSON, or None.
    """

    scores: dict[str, float]
    output_text: str
    output_json: Any


class SpecEnv(TextEnv):
    """An environment described by a YAML or JSON spec (see the module docstring for the fields).

    ## Description
    Each row of the spec's data is a task; the prompt is the spec's template filled from the row (or the row's
    own OpenAI-style ``messages``); the completion is scored by the spec's graders, OpenAI RFT grader configs run
    with their OpenAI semantics (``{{ sample.output_text }}``, ``{{ sample.output_json.* }}``, ``{{ item.* }}``).

    ## Action Space
    ``Text``: the completion; with ``strip_thinking`` (default) only the text after ``</think>`` is graded.

    ## Observation Space
    ``Text``: the last (user) message of the prompt; :meth:`rows` carry the whole conversation, system message
    included. After a failed attempt in a multi-turn episode, each grader's score; "" at the end.

    ## Rewards
    One component per grader (its score), combined by the spec's ``weights`` (default: their mean) or
    ``formula``; the contributions add up to the reward (see :func:`combine`).

    ## Episode End
    Terminated when the reward reaches ``pass_threshold``; truncated when ``max_turns`` attempts were made.

    ## Arguments
    - ``spec``: an :class:`EnvSpec` (:func:`make_from_spec` reads one from a file).
    - ``max_turns``, ``split``: as for every :class:`kernelgym.envs.core.TextEnv`.

    ## Version History
    - v0: first release. A spec's own version is the ``-vN`` of its ``id``: bump it when the data or the graders
      change.
    """

    def __init__(self, spec: EnvSpec, max_turns: int = 1, split: str | None = None):
        super().__init__(max_turns=max_turns, split=split)
        self.spec = spec
        self.env_id = spec.env_id
        self.component_names = tuple(spec.graders)
        self._rows = {row.task_id: row for row in spec.rows}

    def load_tasks(self) -> list[Task]:
        return [Task(task_id=row.task_id, prompt=row.messages[-1]["content"], split=row.split)
                for row in self.spec.rows]

    def rows(self, split: str | None = "train") -> list[dict[str, Any]]:
        """Dataset rows whose ``prompt`` is the whole rendered conversation (system message included)."""
        return [{"prompt": [dict(m) for m in self._rows[t.task_id].messages], "env_id": self.env_id,
                 "task_id": t.task_id} for t in self.tasks(split)]

    def item(self, task: Task) -> dict:
        """The data row behind a task."""
        return self._rows[task.task_id].item

    def grade(self, task: Task, completion: str) -> Graded:
        sample = make_sample(completion, self.spec.strip_thinking)
        item = self.item(task)
        scores = {name: float(grader(sample, item)) for name, grader in self.spec.graders.items()}
        scores = {name: value if math.isfinite(value) else 0.0 for name, value in scores.items()}
        graded = combine(self.spec, scores)
        solved = graded.reward >= self.spec.pass_threshold - 1e-9
        return Graded(graded.reward, graded.components, graded.contributions, solved=solved,
                      record=SpecGrade(scores, sample["output_text"], sample["output_json"]),
                      feedback="" if solved else "Scores: " + ", ".join(
                          f"{name} {value:.2f}" for name, value in scores.items()) + ".")

    def reference_answer(self, task: Task) -> str | None:
        return self._rows[task.task_id].reference

    def close(self) -> None:
        """Stop what the graders hold (the sandboxes of ``python`` graders)."""
        for grader in self.spec.graders.values():
            if hasattr(grader, "close"):
                grader.close()


def packaged_path(path: Path) -> Path:
    """``path`` itself when it exists; otherwise, for a path that starts with ``kernelgym/`` (the README's
    ``kernelgym/data/examples/...``), the same file inside the installed package, so the examples work from any
    folder."""
    if path.exists() or path.is_absolute() or not path.parts or path.parts[0] != "kernelgym":
        return path
    inside = Path(__file__).resolve().parents[1].joinpath(*path.parts[1:])
    return inside if inside.exists() else path


def make_from_spec(path: str | Path, max_turns: int = 1, split: str | None = None, sandbox=None) -> SpecEnv:
    """The environment a YAML or JSON spec describes; ``kernelgym.make(path)`` calls this.

    Through ``kernelgym.make(path)``, a spec with an ``id`` is also registered under it (replacing an earlier
    registration), so that ``kernelgym.make(id)`` builds it again, from the same file, in this process.

    Args:
        path: The spec file (``.yaml``, ``.yml`` or ``.json``).
        max_turns: Attempts per episode.
        split: The split that ``reset`` draws from.
        sandbox: A :class:`kernelgym.grader.Grader` for ``python`` graders.

    Raises:
        SpecError: The spec is malformed (the message names the file and the field).
    """
    path = packaged_path(Path(path)).resolve()
    spec = load_spec(path, sandbox)
    return SpecEnv(spec, max_turns=max_turns, split=split)
