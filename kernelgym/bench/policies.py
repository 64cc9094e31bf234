"""Policies: where completions come from, for benchmarks (``kernelgym bench --policy SPEC``) and evaluation.

A policy turns prompts into completions. Every policy that runs a model sends exactly the prompt used in training
(:func:`kernelgym.prompts.kernel_prompt`, with :data:`kernelgym.prompts.SYSTEM_PROMPT` as the system message of
chat models), so that a benchmark score and a training reward mean the same thing.

Policies by spec (:func:`parse_policy`):

- ``reference``: the suite's own solution of each problem (``NAME_solution.py``), as a fenced completion. A
  sanity check of the harness: it must score pass@1 = 1 with no hack.
- ``replay:FILE``: saved completions from a JSONL file of ``{"problem": NAME, "completion": TEXT}`` objects
  (NAME is the problem file's stem); a problem's lines are its samples, in file order.
- ``openai:MODEL``: any OpenAI-compatible chat server (vLLM, SGLang, ``transformers serve``, a hosted API), with
  bounded concurrency, retries with exponential backoff and a timeout per request.
- ``hf:PATH``: a local transformers model (a folder with a config, weights and a tokenizer with a chat template).
- ``vllm:PATH``: offline vLLM on a CUDA GPU.

Samples are addressed by index: ``generate(prompts, samples)`` asks for the completions with those sample
indices, so a resumed benchmark asks only for the missing ones. Deterministic policies return the completion
recorded for each index; sampling policies use ``seed + index`` as the per-sample seed when a seed is given.
"""
from __future__ import annotations

import json
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

from .. import field_checks
from ..prompts import SYSTEM_PROMPT, chat, kernel_prompt

# What each policy's argument is (``reference`` takes none).
ARGUMENT_OF = {"replay": "FILE", "openai": "MODEL", "hf": "PATH", "vllm": "PATH"}
SPEC_HELP = " | ".join(["reference"] + [f"{kind}:{arg}" for kind, arg in ARGUMENT_OF.items()])
# The policies that sample a model (the sampling flags apply to them).
MODEL_KINDS = ("openai", "hf", "vllm")


class PolicyError(RuntimeError):
    """A policy cannot produce completions (bad spec, unreadable replay file, unreachable server); the message
    says what to fix."""


@dataclass(frozen=True)
class Prompt:
    """One task as a policy sees it.

    Attributes:
        problem: The problem's name (its file's stem), which replay files use.
        user: The user message: :func:`kernelgym.prompts.kernel_prompt` of the problem.
        system: The system message of chat models.
        solution: The problem's reference solution file, if it has one (used by the ``reference`` policy).
    """

    problem: str
    user: str
    system: str = SYSTEM_PROMPT
    solution: Path | None = None


def prompt_for(problem) -> Prompt:
    """The :class:`Prompt` of a loaded :class:`kernelgym.problem.Problem`, with the training template."""
    solution = problem.solution_path if problem.solution_path.is_file() else None
    return Prompt(problem=problem.name, user=kernel_prompt(problem), solution=solution)


def messages(prompt: Prompt) -> list[dict[str, str]]:
    """The chat messages of a prompt: system, then user.

    >>> [m["role"] for m in messages(Prompt("p", "hi"))]
    ['system', 'user']
    """
    return chat(prompt.system, prompt.user)


@dataclass(frozen=True)
class Sampling:
    """Sampling parameters of model policies (the ``bench`` flags of the same names).

    Attributes:
        temperature: Sampling temperature (0: greedy where the backend allows it).
        top_p: Nucleus sampling mass.
        max_tokens: Largest number of new tokens per completion.
        seed: Base seed; sample ``i`` uses ``seed + i``. None: unseeded.
    """

    temperature: float = 1.0
    top_p: float = 1.0
    max_tokens: int = 4096
    seed: int | None = None

    def __post_init__(self):
        """Refuse a bad sampling parameter at once, naming it, rather than at the first request."""
        field_checks.number(self, "temperature", minimum=0)
        field_checks.number(self, "top_p", above=0, maximum=1)
        field_checks.integer(self, "max_tokens", minimum=1)
        field_checks.integer(self, "seed", optional=True)

    def seed_of(self, sample: int) -> int | None:
        """The seed of one sample.

        >>> Sampling(seed=10).seed_of(3), Sampling().seed_of(3)
        (13, None)
        """
        return None if self.seed is None else self.seed + sample


class Policy(Protocol):
    """Where completions come from.

    Attributes:
        spec: The spec the policy was built from (recorded in the run, checked on resume).
    """

    spec: str

    def generate(self, prompts: Sequence[Prompt], samples: Sequence[int]) -> list[list[str]]:
        """Completions for each prompt: one per sample index in ``samples``, in that order.

        Raises:
            PolicyError: The policy cannot produce them.
        """
        ...


def as_samples(n: int | Sequence[int]) -> list[int]:
    """Sample indices from a count or a sequence of indices.

    >>> as_samples(3), as_samples([2, 5])
    ([0, 1, 2], [2, 5])
    """
    return list(range(n)) if isinstance(n, int) else list(n)


# --- deterministic policies ---------------------------------------------------------------------------------
class ReferencePolicy:
    """The suite's own solution of each problem, fenced as a model would answer; the same for every sample."""

    spec = "reference"

    def generate(self, prompts: Sequence[Prompt], samples: Sequence[int] | int) -> list[list[str]]:
        out = []
        for prompt in prompts:
            if prompt.solution is None:
                raise PolicyError(f"{prompt.problem} has no reference solution (NAME_solution.py beside it); "
                                  f"the reference policy needs one for every problem")
            text = f"```python\n{prompt.solution.read_text().rstrip()}\n```\n"
            out.append([text for _ in as_samples(samples)])
        return out


class ReplayPolicy:
    """Saved completions from a JSONL file of ``{"problem": NAME, "completion": TEXT}`` lines.

    Args:
        path: The JSONL file. A problem's lines are its samples 0, 1, ... in file order; blank lines are skipped.

    Raises:
        PolicyError: The file is missing or a line is not such an object (the message gives the line number).
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.spec = f"replay:{path}"
        self.completions = load_replay(self.path)

    def generate(self, prompts: Sequence[Prompt], samples: Sequence[int] | int) -> list[list[str]]:
        out = []
        for prompt in prompts:
            recorded = self.completions.get(prompt.problem, [])
            wanted = as_samples(samples)
            if wanted and max(wanted) >= len(recorded):
                raise PolicyError(f"{self.path} has {len(recorded)} completion(s) for {prompt.problem}, but sample "
                                  f"{max(wanted)} was asked for; lower --samples or add lines for it")
            out.append([recorded[i] for i in wanted])
        return out


def load_replay(path: Path) -> dict[str, list[str]]:
    """Completions per problem name from a replay file, in file order.

    Raises:
        PolicyError: The file is missing or a line is malformed.
    """
    if not path.is_file():
        raise PolicyError(f"replay file {path} does not exist")
    completions: dict[str, list[str]] = {}
    with path.open() as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise PolicyError(f"{path}:{number}: not JSON ({exc.msg}); each line must be "
                                  f'{{"problem": NAME, "completion": TEXT}}') from None
            if not (isinstance(row, dict) and isinstance(row.get("problem"), str)
                    and isinstance(row.get("completion"), str)):
                raise PolicyError(f"{path}:{number}: expected an object with string fields \"problem\" and "
                                  f"\"completion\"")
            completions.setdefault(row["problem"], []).append(row["completion"])
    return completions


# --- an OpenAI-compatible server ------------------------------------------------------------------------------
class OpenAIPolicy:
    """Chat completions from any OpenAI-compatible server, one request per sample.

    Args:
        model: The model name the server knows.
        sampling: Sampling parameters.
        base_url: The server's ``/v1`` URL (default: ``$OPENAI_BASE_URL``, else OpenAI's API).
        api_key: The key (default: ``$OPENAI_API_KEY``, else ``"EMPTY"``, which local servers accept).
        concurrency: Requests in flight at once.
        retries: Retries per request after a connection error, a timeout, a rate limit or a server error (with
            exponential backoff and jitter); client errors such as an unknown model fail at once.
        timeout_s: Seconds per request.
        backoff_s: The first backoff; it doubles on each retry, up to 60 s.
    """

    def __init__(self, model: str, sampling: Sampling = Sampling(), base_url: str | None = None,
                 api_key: str | None = None, concurrency: int = 8, retries: int = 4, timeout_s: float = 600.0,
                 backoff_s: float = 1.0):
        import openai

        self.spec = f"openai:{model}"
        self.model = model
        self.sampling = sampling
        self.base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        self.concurrency = max(1, concurrency)
        self.retries = max(0, retries)
        self.backoff_s = backoff_s
        self._openai = openai
        self.client = openai.OpenAI(base_url=self.base_url,
                                    api_key=api_key or os.environ.get("OPENAI_API_KEY") or "EMPTY",
                                    timeout=timeout_s, max_retries=0)

    def generate(self, prompts: Sequence[Prompt], samples: Sequence[int] | int) -> list[list[str]]:
        wanted = as_samples(samples)
        jobs = [(p, s) for p in prompts for s in wanted]
        with ThreadPoolExecutor(self.concurrency) as pool:
            futures = [pool.submit(self.complete, p, s) for p, s in jobs]
            try:
                texts = [f.result() for f in futures]
            except BaseException:
                for f in futures:  # one request failed for good: do not send the ones still queued
                    f.cancel()
                raise
        return [texts[i * len(wanted):(i + 1) * len(wanted)] for i in range(len(prompts))]

    def complete(self, prompt: Prompt, sample: int) -> str:
        """One completion, retried on transient errors.

        Raises:
            PolicyError: The request failed for good (after the retries, or at once for a client error).
        """
        openai = self._openai
        transient = (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)
        for attempt in range(self.retries + 1):
            try:
                response = self.client.chat.completions.create(**self._request(prompt, sample))
                if not response.choices:
                    raise PolicyError(f"{self.where}: the server answered with no choices")
                return response.choices[0].message.content or ""
            except transient as exc:  # APITimeoutError is an APIConnectionError
                if attempt == self.retries:
                    raise PolicyError(f"{self.where}: {type(exc).__name__} after {self.retries + 1} attempt(s): "
                                      f"{exc}") from exc
                time.sleep(min(60.0, self.backoff_s * 2 ** attempt) * (0.5 + random.random() / 2))
            except openai.APIStatusError as exc:
                raise PolicyError(f"{self.where}: the server refused the request ({exc.status_code}): "
                                  f"{exc.message}") from exc
        raise AssertionError("unreachable")

    def _request(self, prompt: Prompt, sample: int) -> dict:
        """The request body; ``seed`` only when one is set (some servers refuse a null)."""
        body = {"model": self.model, "messages": messages(prompt), "temperature": self.sampling.temperature,
                "top_p": self.sampling.top_p, "max_tokens": self.sampling.max_tokens}
        seed = self.sampling.seed_of(sample)
        return body if seed is None else {**body, "seed": seed}

    @property
    def where(self) -> str:
        return f"model {self.model!r} at {self.base_url or 'the OpenAI API'}"


# --- local models ---------------------------------------------------------------------------------------------
class HFPolicy:
    """A local transformers causal LM with a chat template, sampled with ``generate``.

    Args:
        path: A model folder (config, weights, tokenizer); it is loaded on first use, never downloaded.
        sampling: Sampling parameters.
        device: Torch device (default: CUDA when available).
    """

    def __init__(self, path: str | Path, sampling: Sampling = Sampling(), device: str | None = None):
        if not Path(path).is_dir():
            raise PolicyError(f"hf policy: {path} is not a model folder (give a local path; models are not "
                              f"downloaded)")
        self.spec = f"hf:{path}"
        self.path = Path(path)
        self.sampling = sampling
        self.device = device
        self._model = self._tokenizer = None
        self._lock = threading.Lock()

    def _load(self):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        with self._lock:
            if self._model is None:
                self.device = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
                self._tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
                self._model = AutoModelForCausalLM.from_pretrained(self.path, local_files_only=True).to(self.device)
                self._model.eval()
        return self._model, self._tokenizer

    def generate(self, prompts: Sequence[Prompt], samples: Sequence[int] | int) -> list[list[str]]:
        return [[self._sample(prompt, s) for s in as_samples(samples)] for prompt in prompts]

    def _sample(self, prompt: Prompt, sample: int) -> str:
        import torch

        model, tokenizer = self._load()
        ids = tokenizer.apply_chat_template(messages(prompt), add_generation_prompt=True, return_tensors="pt",
                                            return_dict=True)["input_ids"].to(self.device)
        seed = self.sampling.seed_of(sample)
        if seed is not None:
            torch.manual_seed(seed)
        greedy = self.sampling.temperature <= 0
        with torch.no_grad():
            out = model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=not greedy,
                                 temperature=None if greedy else self.sampling.temperature,
                                 top_p=None if greedy else self.sampling.top_p,
                                 max_new_tokens=self.sampling.max_tokens,
                                 pad_token_id=tokenizer.eos_token_id if tokenizer.pad_token_id is None
                                 else tokenizer.pad_token_id)
        return tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True)


class VLLMPolicy:
    """Offline vLLM (``vllm.LLM``) on a CUDA GPU; all prompts and samples of a call go in one batch.

    Args:
        path: A local model folder.
        sampling: Sampling parameters.

    Raises:
        PolicyError: vLLM is not installed or there is no CUDA GPU.
    """

    def __init__(self, path: str | Path, sampling: Sampling = Sampling()):
        import importlib.util

        import torch

        if importlib.util.find_spec("vllm") is None:
            raise PolicyError("the vllm policy needs the vllm package (pip install vllm) on a CUDA machine")
        if not torch.cuda.is_available():
            raise PolicyError("the vllm policy needs a CUDA GPU; use hf:PATH or openai:MODEL on this machine")
        self.spec = f"vllm:{path}"
        self.path = str(path)
        self.sampling = sampling
        self._llm = None

    def generate(self, prompts: Sequence[Prompt], samples: Sequence[int] | int) -> list[list[str]]:
        from vllm import LLM, SamplingParams

        if self._llm is None:
            self._llm = LLM(model=self.path)
        wanted = as_samples(samples)
        params = [SamplingParams(temperature=self.sampling.temperature, top_p=self.sampling.top_p,
                                 max_tokens=self.sampling.max_tokens, seed=self.sampling.seed_of(s))
                  for _ in prompts for s in wanted]
        conversations = [messages(p) for p in prompts for _ in wanted]
        outputs = self._llm.chat(conversations, params)
        texts = [o.outputs[0].text for o in outputs]
        return [texts[i * len(wanted):(i + 1) * len(wanted)] for i in range(len(prompts))]


def parse_policy(spec: str, sampling: Sampling = Sampling(), **options) -> Policy:
    """Build a policy from its spec.

    Args:
        spec: ``reference``, ``replay:FILE``, ``openai:MODEL``, ``hf:PATH`` or ``vllm:PATH``.
        sampling: Sampling parameters of model policies.
        **options: Options of the openai policy (``base_url``, ``api_key``, ``concurrency``, ``retries``,
            ``timeout_s``); others ignore them.

    Raises:
        PolicyError: The spec is unknown or lacks its argument.

    >>> parse_policy("reference").spec
    'reference'
    >>> parse_policy("gpt")
    Traceback (most recent call last):
    ...
    kernelgym.bench.policies.PolicyError: unknown policy 'gpt'; use reference | replay:FILE | openai:MODEL | hf:PATH | vllm:PATH
    """
    kind, _, arg = spec.partition(":")
    if kind == "reference" and not arg:
        return ReferencePolicy()
    if kind in ARGUMENT_OF and not arg:
        raise PolicyError(f"policy {kind!r} needs an argument: {kind}:{ARGUMENT_OF[kind]}")
    if kind == "replay":
        return ReplayPolicy(arg)
    if kind == "openai":
        return OpenAIPolicy(arg, sampling, **options)
    if kind == "hf":
        return HFPolicy(arg, sampling)
    if kind == "vllm":
        return VLLMPolicy(arg, sampling)
    raise PolicyError(f"unknown policy {spec!r}; use {SPEC_HELP}")
