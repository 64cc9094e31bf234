"""Multi-label classification graded by precision, recall and F1 over the predicted label set.

``kernelgym/multilabel-v0`` reads a JSONL file of ``{"text": ..., "labels": [...]}`` rows (default: a small
generated example set shipped in ``kernelgym/data/multilabel_example.jsonl``, which :func:`generate_example`
reproduces), and can draw its tasks so that every label appears about equally often.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from ..graders.classification import multilabel_f1
from ..graders.text import answer_block
from ..problem import SPLITS, split_of
from ..registry import register
from .core import Graded, Task, TextEnv, weighted

DATA = Path(__file__).resolve().parent.parent / "data"
EXAMPLE_PATH = DATA / "multilabel_example.jsonl"
COMPONENTS = ("precision", "recall", "f1")
DEFAULT_WEIGHTS = {"precision": 0.0, "recall": 0.0, "f1": 1.0}
WINDOW = 16  # rows looked at per draw in balanced_draw


@dataclass(frozen=True)
class Example:
    """One row of a multi-label data set.

    Attributes:
        row_id: Unique within the file (its ``id`` field, else ``row-<line number>``).
        text: The text to classify.
        labels: The labels that apply (at least one), in file order without duplicates.
    """

    row_id: str
    text: str
    labels: tuple[str, ...]


def load_examples(path: str | Path) -> list[Example]:
    """The rows of a multi-label JSONL file: one ``{"text": str, "labels": [str, ...], "id"?: str}`` per line.

    Raises:
        FileNotFoundError: No such file.
        ValueError: A line that is not such an object, an empty label list or a repeated id (the message names
            the file and the line).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such multi-label JSONL file")
    examples, seen = [], set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{path} line {number}: not valid JSON ({exc})") from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise ValueError(f"{path} line {number}: needs a string field 'text'")
        labels = row.get("labels")
        if not (isinstance(labels, list) and labels and all(isinstance(x, str) and x.strip() for x in labels)):
            raise ValueError(f"{path} line {number}: 'labels' must be a non-empty list of strings")
        row_id = str(row.get("id", f"row-{number:05d}"))
        if row_id in seen:
            raise ValueError(f"{path} line {number}: id {row_id!r} is used twice")
        seen.add(row_id)
        examples.append(Example(row_id, row["text"], tuple(dict.fromkeys(x.strip() for x in labels))))
    if not examples:
        raise ValueError(f"{path}: no rows")
    return examples


def balanced_draw(label_sets: list[tuple[str, ...]], size: int, rng: random.Random) -> list[int]:
    """``size`` row indices (rows repeat where needed) in which every label appears about equally often.

    Greedy: take the label drawn least so far (ties broken at random), then a row that carries it, and count every
    label of that row. Each label cycles through its rows in a shuffled order; of the next ``WINDOW`` rows in its
    cycle the one whose other labels were drawn least is taken, so a rare label is not drawn together with a
    common one when it need not be. Labels that only ever come together with a common one cannot be balanced
    below it.

    >>> picks = balanced_draw([("a",), ("a",), ("a",), ("b",)], 4, random.Random(0))
    >>> sorted(picks.count(i) for i in range(4))
    [0, 1, 1, 2]
    """
    by_label: dict[str, list[int]] = {}
    for index, labels in enumerate(label_sets):
        for label in labels:
            by_label.setdefault(label, []).append(index)
    for indices in by_label.values():
        rng.shuffle(indices)
    counts = {label: 0 for label in sorted(by_label)}
    cursor = {label: 0 for label in by_label}
    picks = []
    for _ in range(size):
        fewest = min(counts.values())
        label = rng.choice([name for name, count in counts.items() if count == fewest])
        indices, at = by_label[label], cursor[label] % len(by_label[label])
        window = [(at + j) % len(indices) for j in range(min(WINDOW, len(indices)))]
        best = min(window, key=lambda j: sum(counts[other] for other in label_sets[indices[j]] if other != label))
        indices[at], indices[best] = indices[best], indices[at]
        index = indices[at]
        cursor[label] += 1
        picks.append(index)
        for other in label_sets[index]:
            counts[other] += 1
    return picks


def multilabel_prompt(text: str, labels: tuple[str, ...]) -> str:
    """The task statement with the label vocabulary and the answer format.

    >>> print(multilabel_prompt("Rain and goals.", ("sports", "weather")).splitlines()[1])
    Labels: sports, weather
    """
    example = json.dumps(list(labels[:2]))
    return (f"Which of these labels apply to the text below? One or more may apply.\n"
            f"Labels: {', '.join(labels)}\n\n"
            f"Text: {text}\n\n"
            f"Give every label that applies, and only those, as a JSON array inside answer tags, for example "
            f"<answer>{example}</answer>.")


class MultiLabelEnv(TextEnv):
    """Tag a text with every label that applies.

    ## Description
    Each row of a JSONL file (``{"text": ..., "labels": [...], "id"?: ...}``) is a task; the prompt lists the
    label vocabulary (every label in the file, or ``labels=``). The answer is graded by
    :func:`kernelgym.graders.multilabel_f1` as a set against the row's labels (case and surrounding space ignored).
    The default file is a generated example set of 200 short texts over 8 topics with deliberately skewed topic
    frequencies (:func:`generate_example`), where ``balanced=True`` shows its effect.

    ## Action Space
    ``Text``: the completion; the last ``<answer>...</answer>`` block (else the whole text) is read as a JSON array
    of labels, or as labels separated by commas, semicolons or lines.

    ## Observation Space
    ``Text``: the prompt (label vocabulary, text, answer format); after a failed attempt in a multi-turn episode,
    the precision and recall of the answer; "" at the end.

    ## Rewards
    The weighted sum of ``precision``, ``recall`` and ``f1`` (each in [0, 1]); by default ``weights={"f1": 1}``,
    so the reward is F1 and the other two are reported in ``info["components"]`` only. An empty answer scores 0;
    listing every label is paid for in precision.

    ## Episode End
    Terminated when the predicted set equals the true set; truncated when ``max_turns`` attempts were made.

    ## Arguments
    - ``path``: the JSONL file (default: the shipped example set).
    - ``labels``: the vocabulary shown in the prompt (default: every label in the file, sorted).
    - ``balanced``: draw the tasks of each split so that every label appears about equally often
      (:func:`balanced_draw`; rows of rare labels repeat, each repeat its own task ``<row id>#<k>``).
    - ``size``: number of tasks drawn when balanced (default: as many as there are rows), shared among the splits
      in proportion to their rows; ``seed``: the draw's seed.
    - ``weights``: component weights (names from ``precision``, ``recall``, ``f1``).
    - ``max_turns``, ``split``: as for every :class:`kernelgym.envs.core.TextEnv`. A row's split is a stable hash
      of its id (70/15/15), the same for all of its repeats, so a text never appears in two splits.

    ## Version History
    - v0: first release.
    """

    env_id = "kernelgym/multilabel-v0"
    component_names = COMPONENTS
    grades_inline = True

    def __init__(self, path: str | Path | None = None, labels: list[str] | None = None, balanced: bool = False,
                 size: int | None = None, seed: int = 0, weights: dict[str, float] | None = None,
                 max_turns: int = 1, split: str | None = None):
        super().__init__(max_turns=max_turns, split=split)
        self.weights = dict(DEFAULT_WEIGHTS if weights is None else {name: 0.0 for name in COMPONENTS} | weights)
        unknown = set(self.weights) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"unknown component weights {sorted(unknown)}; use {', '.join(COMPONENTS)}")
        if size is not None and size < 1:
            raise ValueError(f"size must be at least 1, not {size}")
        self.path = Path(path) if path is not None else EXAMPLE_PATH
        self.labels = tuple(labels) if labels is not None else None
        self.balanced, self.size, self.seed = balanced, size, seed

    def load_tasks(self) -> list[Task]:
        examples = load_examples(self.path)
        used = {label for e in examples for label in e.labels}
        vocabulary = self.labels or tuple(sorted(used))
        if self.labels is not None:
            missing = used - set(self.labels)
            if missing:
                raise ValueError(f"{self.path}: labels {sorted(missing)} are not in labels=")
        splits = {e.row_id: split_of(f"multilabel/{self.path.stem}/{e.row_id}") for e in examples}

        def task(example: Example, task_id: str) -> Task:
            return Task(task_id=task_id, prompt=multilabel_prompt(example.text, vocabulary),
                        split=splits[example.row_id], columns={"labels": list(example.labels),
                                                               "row_id": example.row_id})

        if not self.balanced:
            return [task(e, e.row_id) for e in examples]
        size = self.size if self.size is not None else len(examples)
        rng = random.Random(f"multilabel/{self.seed}")
        tasks = []
        for split in SPLITS:
            group = [e for e in examples if splits[e.row_id] == split]
            if not group:
                continue
            drawn: dict[str, int] = {}
            for index in balanced_draw([e.labels for e in group], round(size * len(group) / len(examples)), rng):
                example = group[index]
                k = drawn[example.row_id] = drawn.get(example.row_id, -1) + 1
                tasks.append(task(example, f"{example.row_id}#{k}"))
        return tasks

    def grade(self, task: Task, completion: str) -> Graded:
        block = answer_block(completion)
        answer = completion if block is None else block
        scores = multilabel_f1(answer, task.columns["labels"])
        solved = scores["f1"] == 1.0
        return weighted({name: scores[name] for name in COMPONENTS}, self.weights, solved=solved, record=scores,
                        feedback="" if solved else (
                            f"Precision {scores['precision']:.2f} (share of your labels that apply), recall "
                            f"{scores['recall']:.2f} (share of the true labels you gave)."))

    def reference_answer(self, task: Task) -> str | None:
        return f"<answer>{json.dumps(task.columns['labels'])}</answer>"


# --- the shipped example set --------------------------------------------------------------------------------
TOPICS: dict[str, tuple[float, tuple[str, ...]]] = {
    # label: (how often it is drawn, sentences about it)
    "sports": (0.30, ("The striker scored twice in the second half.", "The home team won the final on penalties.",
                      "She set a new record in the 400 metres.", "The coach praised the young goalkeeper.",
                      "Fans filled the stadium for the derby.", "The tennis match went to a fifth set.")),
    "technology": (0.22, ("The new phone ships with a faster chip.", "Engineers released an update to the app.",
                          "The startup built a cheaper battery for laptops.", "A bug in the software exposed "
                          "user passwords.", "The company unveiled a smaller drone.",
                          "Developers moved the service to the cloud.")),
    "politics": (0.16, ("The parliament passed the budget bill.", "The minister resigned after the vote.",
                        "Voters head to the polls next month.", "The senator proposed a new law on housing.",
                        "The opposition called for an inquiry.", "The president met foreign leaders today.")),
    "finance": (0.10, ("Shares fell sharply after the report.", "The central bank raised interest rates.",
                       "Investors moved money into bonds.", "The bank reported record quarterly profits.",
                       "Inflation slowed for the third month.", "The currency weakened against the dollar.")),
    "health": (0.08, ("Doctors recommend a daily walk.", "The clinic opened a new vaccine centre.",
                      "A study linked poor sleep to heart disease.", "Hospitals reported fewer flu cases.",
                      "Nurses asked for more staff on night shifts.", "The new drug lowered blood pressure.")),
    "science": (0.06, ("Astronomers found water on a distant moon.", "The telescope captured a young galaxy.",
                       "Researchers mapped the genome of the plant.", "Physicists measured the particle's mass.",
                       "A fossil revealed a new species of bird.", "The probe sent back images of the comet.")),
    "food": (0.05, ("The bakery is famous for its sourdough.", "The chef added more garlic to the sauce.",
                    "Street vendors sold grilled corn.", "The restaurant serves fresh pasta daily.",
                    "She baked a lemon cake for the party.", "The market had ripe mangoes this week.")),
    "weather": (0.03, ("Heavy rain flooded the main road.", "A heatwave is expected this weekend.",
                       "Snow closed the mountain pass.", "Strong winds knocked down power lines.",
                       "Forecasters warned of thunderstorms.", "The fog delayed morning flights.")),
}


def generate_example(size: int = 200, seed: int = 0) -> list[dict]:
    """Rows of the shipped example set: short texts of 1-3 sentences, each from a different topic, labelled with
    those topics. Topic frequencies are skewed on purpose (sports 30% ... weather 3%).

    >>> rows = generate_example(5)
    >>> all(1 <= len(row["labels"]) <= 3 for row in rows), rows == generate_example(5)
    (True, True)
    """
    rng = random.Random(seed)
    names = list(TOPICS)
    shares = [TOPICS[name][0] for name in names]
    rows = []
    for index in range(size):
        count = rng.choices([1, 2, 3], weights=[0.5, 0.35, 0.15])[0]
        chosen: list[str] = []
        while len(chosen) < count:
            name = rng.choices(names, weights=shares)[0]
            if name not in chosen:
                chosen.append(name)
        sentences = [rng.choice(TOPICS[name][1]) for name in chosen]
        rows.append({"id": f"ex-{index:04d}", "text": " ".join(sentences), "labels": sorted(chosen)})
    return rows


def write_example(path: str | Path = EXAMPLE_PATH, size: int = 200, seed: int = 0) -> Path:
    """Write :func:`generate_example`'s rows as JSONL (how the shipped file was made)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in generate_example(size, seed)), encoding="utf-8")
    return path


# Registered when kernelgym.registry loads its plugin modules (a dictionary entry; nothing else runs).
register(MultiLabelEnv.env_id, MultiLabelEnv, override=True)

if __name__ == "__main__":  # python -m kernelgym.envs.multilabel: regenerate the shipped example set
    print(write_example())
