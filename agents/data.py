"""Training data from environments: a weighted, balanced mixture of rows, and a variance study that drops prompts
with no GRPO signal.

**Balance.** A mixture draws each environment's share of rows (:func:`kernelgym.trl_rewards.mixture` does this
when no balancing is asked for). Within an environment, :func:`balanced_rows` draws the values of one column
(``task_id``: every problem; ``level``; ``label``) equally often, so a frequent class (many level-1 problems, a
majority label) cannot earn most of the reward.

**Prompts.** Rows carry the environment's prompt as :meth:`kernelgym.envs.core.TextEnv.rows` gives it, with the
environment's ``system_prompt`` (kernel environments: :data:`kernelgym.prompts.SYSTEM_PROMPT`, what ``kernelgym
bench`` sends) before it, so a training reward and a benchmark score are earned on the same input.

**Variance.** GRPO learns from differences within a group of completions of one prompt. A prompt whose k
completions all earn the same reward (all 0: too hard; all 1: already solved) contributes nothing but cost.
:func:`variance_study` samples k completions per prompt from the base model, grades them with the environments'
own graders, and :func:`drop_flat` removes those prompts.
"""
from __future__ import annotations

import random
import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

from ..envs.core import TextEnv
from ..trl_rewards import ROW_KEYS, check_weights, mixture, shares


def balanced_rows(env: TextEnv, split: str | None, size: int, key: str, rng: random.Random) -> list[dict]:
    """``size`` rows of one environment in which every value of column ``key`` appears equally often (to one row).

    Groups are visited in rounds; within a group, rows come in shuffled passes, so no row repeats before every row
    of its group has been drawn.

    Raises:
        KeyError: A row has no column ``key``.
    """
    groups: dict[Any, list[dict]] = defaultdict(list)
    for row in env.rows(split):
        if key not in row:
            raise KeyError(f"{env.env_id} rows have no column {key!r} to balance by (they have "
                           f"{', '.join(sorted(row))}); use --balance-by none")
        groups[str(row[key])].append({k: row[k] for k in ROW_KEYS})
    if not groups:
        return []
    order = sorted(groups)
    rng.shuffle(order)
    queues: dict[str, list[dict]] = {name: [] for name in order}
    rows = []
    while len(rows) < size:
        for name in order:
            if len(rows) == size:
                break
            if not queues[name]:
                queues[name] = groups[name][:]
                rng.shuffle(queues[name])
            rows.append(queues[name].pop())
    return rows


def build_rows(envs: Sequence[TextEnv], weights: Sequence[float], split: str | None, size: int | None,
               balance_by: str | None, seed: int) -> list[dict]:
    """A shuffled mixture of rows (``prompt``, ``env_id``, ``task_id``) from ``envs``, in proportion to
    ``weights``, balanced within each environment by column ``balance_by`` (None or ``"none"``: as
    :func:`kernelgym.trl_rewards.mixture` draws them).

    Args:
        envs: The environments.
        weights: Share of each.
        split: The tasks' split (``train``, ``validation``).
        size: Total rows (default: as many as the environments' rows together).
        balance_by: A column of the rows.
        seed: Seed of the draw and the shuffle.

    >>> import collections, kernelgym
    >>> env = kernelgym.make("kernelgym/repeat-digit-v0")
    >>> rows = build_rows([env], [1.0], "train", 20, "digit", seed=0)
    >>> sorted(collections.Counter(env.task(r["task_id"]).columns["digit"] for r in rows).values())
    [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]
    """
    if balance_by in (None, "none"):
        return mixture(envs, weights, split=split, size=size, seed=seed)
    weights = list(weights)
    check_weights(weights, len(envs))
    total = size if size is not None else sum(len(env.tasks(split)) for env in envs)
    rng = random.Random(seed)
    rows = []
    for env, want in zip(envs, shares(weights, total)):
        if want and not env.tasks(split):
            raise ValueError(f"{env.env_id} has no tasks in split {split!r}")
        rows.extend(balanced_rows(env, split, want, balance_by, rng))
    rng.shuffle(rows)
    return rows


@dataclass
class PromptVariance:
    """The rewards of k completions of one prompt from the base model."""

    env_id: str
    task_id: str
    rewards: list[float]

    @property
    def flat(self) -> bool:
        """Every completion earned the same reward: no GRPO signal."""
        return max(self.rewards) - min(self.rewards) < 1e-9


@dataclass
class VarianceReport:
    """The outcome of :func:`variance_study` (saved as ``variance.json`` in the run folder)."""

    k: int
    prompts: list[PromptVariance] = field(default_factory=list)

    @property
    def flat(self) -> set[tuple[str, str]]:
        """``(env_id, task_id)`` of the prompts without signal."""
        return {(p.env_id, p.task_id) for p in self.prompts if p.flat}

    def summary(self) -> dict[str, Any]:
        """Counts and mean reward, for the log and the JSON file."""
        rewards = [r for p in self.prompts for r in p.rewards]
        return {"k": self.k, "prompts": len(self.prompts), "flat": len(self.flat),
                "flat_all_zero": sum(p.flat and max(p.rewards) == 0 for p in self.prompts),
                "mean_reward": statistics.fmean(rewards) if rewards else None}

    def to_json(self) -> dict[str, Any]:
        return {**self.summary(), "per_prompt": [{**asdict(p), "flat": p.flat} for p in self.prompts]}


def _sample(model, tokenizer, jobs: list[tuple[int, str]], prompts: int, batch_size: int,
            settings: dict[str, Any]) -> list[list[str]]:
    """The completions of ``jobs`` (``(prompt index, chat text)`` pairs), grouped by prompt index."""
    import torch

    completions: list[list[str]] = [[] for _ in range(prompts)]
    device = next(model.parameters()).device
    for start in range(0, len(jobs), batch_size):
        chunk = jobs[start:start + batch_size]
        batch = tokenizer([text for _, text in chunk], return_tensors="pt", padding=True,
                          add_special_tokens=False).to(device)
        with torch.no_grad():
            out = model.generate(**batch, **settings)
        for (index, _), ids in zip(chunk, out[:, batch["input_ids"].shape[1]:]):
            completions[index].append(tokenizer.decode(ids, skip_special_tokens=True))
    return completions

def variance_study(model, tokenizer, envs: Sequence[TextEnv], rows: Sequence[dict], k: int, max_new_tokens: int,
                   temperature: float = 1.0, top_p: float = 1.0, batch_size: int = 64,
                   seed: int | None = None) -> VarianceReport:
    """Sample ``k`` completions of every distinct prompt in ``rows`` from ``model`` and grade them.

    Generation uses ``model.generate`` (the base model, before any adapter), with the sampling settings of the
    run; grading uses each environment's :meth:`TextEnv.grade_many` (one call per environment over all its
    completions), exactly as training does.

    Args:
        model: A causal LM (``transformers``).
        tokenizer: Its tokenizer, with a chat template and left padding.
        envs: The environments the rows come from.
        rows: Dataset rows (``prompt``, ``env_id``, ``task_id``).
        k: Completions per prompt.
        max_new_tokens: Longest completion.
        temperature: Sampling temperature.
        top_p: Nucleus sampling threshold.
        batch_size: Sequences generated at once.
        seed: Sample from torch's generators seeded with it (restored afterwards), so that the same run seed
            gives the same study; None samples from their current state.
    """
    import torch

    by_id = {env.env_id: env for env in envs}
    unique = list({(r["env_id"], r["task_id"]): r for r in rows}.values())
    texts = [tokenizer.apply_chat_template(r["prompt"], tokenize=False, add_generation_prompt=True) for r in unique]
    jobs = [(i, text) for i, text in enumerate(texts) for _ in range(k)]
    device = next(model.parameters()).device
    settings = dict(do_sample=True, temperature=temperature, top_p=top_p, top_k=0, max_new_tokens=max_new_tokens,
                    pad_token_id=tokenizer.pad_token_id)
    devices = list(range(torch.cuda.device_count())) if device.type == "cuda" else []
    was_training = model.training
    model.eval()
    try:
        with torch.random.fork_rng(devices=devices, enabled=seed is not None):
            if seed is not None:
                torch.manual_seed(seed)
            completions = _sample(model, tokenizer, jobs, len(unique), batch_size, settings)
    finally:
        model.train(was_training)
    # One grade_many per environment over all its prompts' completions, so its grader works in parallel.
    rewards: list[list[float]] = [[] for _ in unique]
    for env_id, env in by_id.items():
        jobs_of_env = [(index, env.task(row["task_id"]), text) for index, row in enumerate(unique)
                       if row["env_id"] == env_id for text in completions[index]]
        if not jobs_of_env:
            continue
        graded = env.grade_many([(task, text) for _, task, text in jobs_of_env])
        for (index, _, _), verdict in zip(jobs_of_env, graded):
            rewards[index].append(verdict.reward)
    report = VarianceReport(k=k)
    for row, row_rewards in zip(unique, rewards):
        report.prompts.append(PromptVariance(row["env_id"], row["task_id"], row_rewards))
    return report


def drop_flat(rows: Sequence[dict], report: VarianceReport) -> list[dict]:
    """``rows`` without the prompts that :func:`variance_study` found flat.

    Raises:
        ValueError: Every prompt is flat: there would be nothing left to learn from.
    """
    flat = report.flat
    kept = [r for r in rows if (r["env_id"], r["task_id"]) not in flat]
    if not kept:
        raise ValueError(f"every prompt earned the same reward in all {report.k} samples of the base model; GRPO "
                         f"would learn nothing (try more samples, a higher temperature, or an SFT warm-up)")
    return kept
