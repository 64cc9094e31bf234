"""Instruction following with verifiable constraints (IFEval's idea): the reward is the share of constraints met.

``kernelgym/ifeval-v0`` generates writing requests that carry one to three constraints that a program can check:
word and sentence counts, required and forbidden words, JSON output, a number of bullet points, all lowercase or
all uppercase, and an ending phrase. Each task is generated together with an answer that meets all of its
constraints (the reference), and a task that a one-line refusal would satisfy is never generated.
"""
from __future__ import annotations

import functools
import json
import random
from dataclasses import dataclass, fields

from ..graders.instructions import KINDS, Constraint, satisfied, words_of
from ..graders.text import output_text
from ..problem import split_of
from ..registry import register
from .core import Graded, Task, TextEnv, weighted

CONFLICTS = {"json": {"bullets", "sentence_count", "ending"}, "bullets": {"json", "sentence_count"},
             "sentence_count": {"json", "bullets"}, "ending": {"json"}}
# Answers that must never meet all of a task's constraints (else a refusal would earn full reward).
TRIVIAL_ANSWERS = ("", "I cannot solve this.", "i cannot solve this.", "I CANNOT SOLVE THIS.", "ok", "{}", "* ok")
ENDINGS = ("Is there anything else I can help with?", "Let me know if you have more questions.",
           "That is all for now.", "Thank you for reading.", "I hope this helps.")

@dataclass(frozen=True)
class Topic:
    """What a generated request is about.

    Attributes:
        subject: The subject as the request names it ("the ocean").
        name: A one-word name (the reference's JSON ``topic`` field).
        sentences: Plain sentences about it (the reference is built from them).
        keywords: Words a request may require.
        tempting: Words a request may forbid (common words on the subject that the sentences avoid).
    """

    subject: str
    name: str
    sentences: tuple[str, ...]
    keywords: tuple[str, ...]
    tempting: tuple[str, ...]


TOPICS = (
    Topic("the ocean", "ocean",
          ("The ocean covers most of the planet.", "Tides rise and fall twice a day.",
           "Coral reefs grow in warm shallow places.", "Deep trenches stay dark and cold all year.",
           "Whales travel thousands of miles between seasons.", "Storms far offshore push waves toward the coast."),
          ("tides", "coral", "whales", "waves", "trenches"), ("water", "blue", "sea", "fish")),
    Topic("learning to cook", "cooking",
          ("Start with a few simple recipes.", "A sharp knife makes the work safer.",
           "Taste the dish as it simmers.", "Fresh herbs lift almost any meal.",
           "Mistakes in the kitchen teach quick lessons.", "Cleaning as you go saves time later."),
          ("recipes", "knife", "herbs", "simmers", "kitchen"), ("food", "delicious", "eat", "chef")),
    Topic("city cycling", "cycling",
          ("A bike lane makes the commute calmer.", "Lights and a helmet keep riders visible and safe.",
           "Short trips are often faster by bike than by car.", "Regular riding builds strength without a gym.",
           "Parking a bike takes almost no space.", "Many cities now rent bikes by the hour."),
          ("helmet", "commute", "lane", "riders", "parking"), ("bicycle", "traffic", "fun", "road")),
    Topic("keeping houseplants", "plants",
          ("Most houseplants prefer bright indirect light.", "Too much watering rots the roots.",
           "A pot needs holes so that extra moisture drains away.", "Leaves turn yellow when something is wrong.",
           "Repotting in spring gives roots more room.", "Some plants thrive on a little neglect."),
          ("roots", "leaves", "light", "repotting", "pot"), ("green", "grow", "soil", "easy")),
    Topic("the history of printing", "printing",
          ("Movable type changed how books were made.", "Early presses spread pamphlets across Europe.",
           "Printed books became cheaper and far more common.", "Literacy rose as reading material multiplied.",
           "Newspapers grew out of the printing trade.", "Typesetting by hand took great patience."),
          ("type", "presses", "pamphlets", "literacy", "typesetting"), ("paper", "ink", "gutenberg", "invented")),
    Topic("a good night's sleep", "sleep",
          ("Adults need seven to nine hours each night.", "A dark and quiet room helps the body rest.",
           "Screens late in the evening delay drowsiness.", "Keeping a regular schedule steadies the body clock.",
           "Caffeine can linger for many hours.", "A short walk in daylight improves rest later."),
          ("schedule", "caffeine", "screens", "daylight", "rest"), ("bed", "tired", "dream", "night-time")),
    Topic("saving money", "saving",
          ("A monthly budget shows where income goes.", "Small daily costs add up over a year.",
           "An emergency fund softens sudden bills.", "Automatic transfers make saving a habit.",
           "Comparing prices before buying pays off.", "Paying off expensive debt first saves interest."),
          ("budget", "income", "debt", "interest", "habit"), ("bank", "rich", "cash", "spend")),
    Topic("learning a new language", "languages",
          ("Daily practice beats long weekly sessions.", "Listening to native speakers trains the ear.",
           "Mistakes are a normal part of progress.", "Flashcards help with new vocabulary.",
           "Speaking early builds confidence.", "Reading simple stories makes grammar familiar."),
          ("vocabulary", "grammar", "practice", "speakers", "flashcards"), ("words", "fluent", "study", "hard")),
)


@dataclass(frozen=True)
class Request:
    """A generated task: what to write, its constraints, and an answer that meets them all.

    Attributes:
        topic: What the request is about.
        constraints: One to three constraints of distinct kinds.
        reference: An answer that meets every constraint.
    """

    topic: Topic
    constraints: tuple[Constraint, ...]
    reference: str


def _quoted(words: tuple[str, ...], joiner: str) -> str:
    quoted = [f"'{w}'" for w in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" {joiner} " + quoted[-1]


def _draft(rng: random.Random, topic: Topic, kinds: list[str]) -> Request:
    """Choose the parameters of ``kinds``, build the reference from them, then fit the word bound to it."""
    case = rng.choice(["lower", "upper"]) if "case" in kinds else ""
    keywords = tuple(rng.sample(topic.keywords, rng.randint(1, 3))) if "keywords" in kinds else ()
    forbidden = tuple(rng.sample(topic.tempting, rng.randint(1, 2))) if "forbidden_words" in kinds else ()
    ending = rng.choice(ENDINGS) if "ending" in kinds else ""
    count = rng.randint(2, 5)
    units = [f"It helps to know about {', '.join(keywords[:-1]) + ' and ' if len(keywords) > 1 else ''}"
             f"{keywords[-1]}."] if keywords else []
    fixed = "sentence_count" in kinds or "bullets" in kinds
    want = count if fixed else rng.randint(2, 4)
    room = want - len(units) - (1 if ending and "bullets" not in kinds else 0)
    units += rng.sample(topic.sentences, max(0, room))
    rng.shuffle(units)
    if "json" in kinds:
        text = json.dumps({"topic": topic.name, "answer": " ".join(units)})
    elif "bullets" in kinds:
        text = "\n".join(f"* {unit}" for unit in units) + (f"\n{ending}" if ending else "")
    else:
        text = " ".join(units + ([ending] if ending else []))
    text = text.lower() if case == "lower" else text.upper() if case == "upper" else text
    shown_ending = ending.lower() if case == "lower" else ending.upper() if case == "upper" else ending
    n_words = len(words_of(text))
    constraints = []
    for kind in kinds:
        if kind == "word_count":
            if rng.random() < 0.5:
                bound = max(5, (n_words - rng.randint(0, n_words // 3)) // 5 * 5)
                constraints.append(Constraint(kind, f"Answer with at least {bound} words.", bound, "at least"))
            else:
                bound = -(-(n_words + rng.randint(5, 20)) // 5) * 5
                constraints.append(Constraint(kind, f"Answer with at most {bound} words.", bound, "at most"))
        elif kind == "sentence_count":
            constraints.append(Constraint(kind, f"Answer in exactly {count} sentences.", count, "exactly"))
        elif kind == "keywords":
            constraints.append(Constraint(kind, f"Include the word{'s' * (len(keywords) > 1)} "
                                                f"{_quoted(keywords, 'and')}.", words=keywords))
        elif kind == "forbidden_words":
            constraints.append(Constraint(kind, f"Do not use the word{'s' * (len(forbidden) > 1)} "
                                                f"{_quoted(forbidden, 'or')}.", words=forbidden))
        elif kind == "json":
            constraints.append(Constraint(kind, "Format your entire answer as one JSON object (a ```json code "
                                                "block around it is fine) and write nothing outside it."))
        elif kind == "bullets":
            constraints.append(Constraint(kind, f"Use exactly {count} bullet points, each on its own line "
                                                f"starting with '* '.", count, "exactly"))
        elif kind == "case":
            constraints.append(Constraint(kind, "Write your entire answer in lowercase letters; no capital "
                                                "letters at all." if case == "lower" else
                                          "Write your entire answer in capital letters; no lowercase letters "
                                          "at all.", text=case))
        elif kind == "ending":
            constraints.append(Constraint(kind, f"End your answer with the exact phrase '{shown_ending}' and "
                                                f"nothing after it.", text=shown_ending))
    return Request(topic, tuple(constraints), text)


def generate_request(rng: random.Random, max_constraints: int = 3, kinds: tuple[str, ...] = KINDS,
                     attempts: int = 1000) -> Request:
    """A request with 1 to ``max_constraints`` compatible constraints and a reference that meets them all.

    Drafts are thrown away (and drawn again from ``rng``) when the reference fails a constraint or when one of
    :data:`TRIVIAL_ANSWERS` meets them all, so every generated task separates a real answer from a refusal.

    Raises:
        RuntimeError: No valid request was found (``kinds`` too narrow to exclude a trivial answer).

    >>> request = generate_request(random.Random(0))
    >>> all(satisfied(c, request.reference) for c in request.constraints)
    True
    """
    for _ in range(attempts):
        topic = rng.choice(TOPICS)
        chosen: list[str] = []
        for _ in range(rng.randint(1, max_constraints)):
            options = [k for k in kinds if k not in chosen and not CONFLICTS.get(k, set()) & set(chosen)]
            if options:
                chosen.append(rng.choice(options))
        request = _draft(rng, topic, chosen)
        if all(satisfied(c, request.reference) for c in request.constraints) and not any(
                all(satisfied(c, trivial) for c in request.constraints) for trivial in TRIVIAL_ANSWERS):
            return request
    raise RuntimeError(f"no request with constraints from {kinds} found in {attempts} attempts")


def ifeval_prompt(request: Request) -> str:
    """The request and its constraints, one per line."""
    rules = "\n".join(f"- {c.description}" for c in request.constraints)
    return f"Write a short piece about {request.topic.subject}.\n\nFollow every one of these instructions:\n{rules}"


class IFEvalEnv(TextEnv):
    """Write a short text that follows one to three verifiable instructions.

    ## Description
    Generated IFEval-style requests ("Write a short piece about the ocean.") with 1-3 constraints of distinct,
    compatible kinds, each checked by a small program (:func:`satisfied`): ``word_count`` (at least / at most N
    words), ``sentence_count`` (exactly N), ``keywords`` (required words), ``forbidden_words``, ``json`` (the whole
    answer is one JSON object, optionally in a ```` ```json ```` block), ``bullets`` (exactly N lines starting
    with ``* `` or ``- ``), ``case`` (all lowercase or all uppercase) and ``ending`` (ends with a given phrase).
    Words are matched whole and without regard to case. A reasoning block (``<think>...</think>``) is ignored.

    ## Action Space
    ``Text``: the answer itself.

    ## Observation Space
    ``Text``: the request and its instructions; after a failed attempt in a multi-turn episode, the instructions
    that were not followed; "" at the end.

    ## Rewards
    The share of the task's constraints met. Each constraint kind is a component (1 when met, 0 when not) that
    contributes ``1/k`` of it (k: the task's constraint count); kinds the task does not have are absent from
    ``info["components"]``, and their TRL reward functions return None for it (TRL averages them over the rows
    that have them). A blank answer meets nothing and scores 0.

    ## Episode End
    Terminated when every constraint is met; truncated when ``max_turns`` attempts were made.

    ## Arguments
    - ``size``: number of requests (default 1000); ``seed``: their seed. Request ``i`` is a pure function of
      ``(seed, max_constraints, kinds, i)``.
    - ``max_constraints``: 1 to 3 (default 3); each request has between 1 and this many.
    - ``kinds``: the constraint kinds to draw from (default: all of :data:`KINDS`).
    - ``max_turns``, ``split``: as for every :class:`kernelgym.envs.core.TextEnv`; a request's split is a stable
      hash of its id (70/15/15).

    ## Version History
    - v0: first release.
    """

    env_id = "kernelgym/ifeval-v0"
    component_names = KINDS

    def __init__(self, size: int = 1000, seed: int = 0, max_constraints: int = 3,
                 kinds: tuple[str, ...] | list[str] = KINDS, max_turns: int = 1, split: str | None = None):
        super().__init__(max_turns=max_turns, split=split)
        if not 1 <= max_constraints <= 3:
            raise ValueError(f"max_constraints must be 1, 2 or 3, not {max_constraints}")
        unknown = set(kinds) - set(KINDS)
        if unknown or not kinds:
            raise ValueError(f"kinds must be a non-empty subset of {', '.join(KINDS)}; unknown: {sorted(unknown)}")
        if size < 1:
            raise ValueError(f"size must be at least 1, not {size}")
        self.size, self.seed, self.max_constraints = size, seed, max_constraints
        self.kinds = tuple(k for k in KINDS if k in kinds)

    def load_tasks(self) -> list[Task]:
        tasks = []
        variant = "" if self.kinds == KINDS else "-" + ".".join(self.kinds)
        for index in range(self.size):
            task_id = f"c{self.max_constraints}{variant}-s{self.seed}-{index:05d}"
            request = generate_request(random.Random(f"ifeval/{task_id}"), self.max_constraints, self.kinds)
            tasks.append(Task(task_id=task_id, prompt=ifeval_prompt(request), split=split_of(f"ifeval/{task_id}"),
                              columns={"kinds": [c.kind for c in request.constraints],
                                       "constraints": json.dumps([{f.name: getattr(c, f.name) for f in fields(c)}
                                                               for c in request.constraints]),
                                       "reference": request.reference}))
        return tasks

    @staticmethod
    def constraints(task: Task) -> list[Constraint]:
        """The constraints of a task (kept in its ``constraints`` column, so a row is enough to grade)."""
        return list(_parse_constraints(task.columns["constraints"]))

    def grade(self, task: Task, completion: str) -> Graded:
        text = output_text(completion)
        constraints = self.constraints(task)
        met = {c.kind: float(satisfied(c, text)) for c in constraints}
        solved = all(met.values())
        missed = [c.description for c in constraints if not met[c.kind]]
        return weighted(met, {kind: 1.0 / len(constraints) for kind in met}, solved=solved,
                        record={c.description: bool(met[c.kind]) for c in constraints},
                        feedback="" if solved else "Not followed:\n" + "\n".join(f"- {m}" for m in missed))

    def reference_answer(self, task: Task) -> str | None:
        return task.columns["reference"]


@functools.lru_cache(maxsize=8192)
def _parse_constraints(text: str) -> tuple[Constraint, ...]:
    """A task's ``constraints`` column, parsed once per distinct text (grading is per completion)."""
    return tuple(Constraint(**{**c, "words": tuple(c["words"])}) for c in json.loads(text))


# Registered when kernelgym.registry loads its plugin modules (a dictionary entry; nothing else runs).
register(IFEvalEnv.env_id, IFEvalEnv, override=True)
