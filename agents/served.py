"""GRPO with rewards from a ``kernelgym serve`` process, through TRL's OpenEnv integration (``rollout_func``).

TRL 1.16 connects ``GRPOTrainer`` to OpenEnv environments in two ways: ``environment_factory``, where the model
calls the environment's methods as tools (it needs a model and chat template that do tool calls), and
``rollout_func``, a function that produces the completions of a batch and whatever the reward functions should
see. A KernelGym episode's action is the whole completion, not a tool call, so this recipe uses ``rollout_func``:

1. TRL's own generation (the same calls its default loop makes, so transformers or vLLM, sampling settings and
   weight sync are unchanged) produces the completions;
2. each completion is played as one episode of its row's environment on the server, through an OpenEnv session
   (:class:`kernelgym.serve.client.RemoteEnv`: ``reset(task_id)``, then ``step(completion)``), in parallel;
3. the returned ``served`` field carries each verdict's reward contributions to the reward functions, one per
   (environment, component), named as the local ones are, so the logs read the same.

The rows (prompts) come from the environments made locally with the same ``--env`` arguments as the server's;
the server grades. ``_tokenize_prompts`` and ``_generate_single_turn`` are TRL 1.16's own generation steps (TRL is
pinned to 1.16.x, checked at start).
"""
from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Sequence


class ServedRollout:
    """A TRL ``rollout_func`` whose rewards come from a ``kernelgym serve`` server.

    Args:
        url: The server, ``http://127.0.0.1:8000``.
        envs: The environments of the rows (made locally: their ids and component names).
        rows: Every row a batch may hold (training and validation): ``prompt``, ``env_id``, ``task_id``.
        token: The server's bearer token, if it has one.
        workers: Sessions graded at once.
    """

    def __init__(self, url: str, envs: Sequence, rows: Sequence[dict], token: str | None = None, workers: int = 8):
        self.url, self.token = url, token
        self.components = {env.env_id: tuple(env.component_names) for env in envs}
        self._tasks = {_key(row["prompt"]): (row["env_id"], str(row["task_id"])) for row in rows}
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="served-rollout")
        self._local = threading.local()
        self._sessions: list = []
        self._lock = threading.Lock()
        self.gradings = 0

    def __call__(self, prompts: list, trainer) -> dict[str, list]:
        """Generate the batch's completions as TRL would, and grade each on the server."""
        mode = "train" if trainer.model.training else "eval"
        generations = trainer.num_generations if mode == "train" else trainer.num_generations_eval
        prompt_ids, images, multimodal = trainer._tokenize_prompts(prompts)
        completion_ids, logprobs = trainer._generate_single_turn(prompt_ids, images, multimodal, generations)
        texts = trainer.processing_class.batch_decode(completion_ids, skip_special_tokens=True)
        served = list(self._pool.map(self.grade, prompts, texts))
        return {"prompt_ids": prompt_ids, "completion_ids": completion_ids, "logprobs": logprobs, "served": served}

    def grade(self, prompt: Any, completion: str) -> dict[str, Any]:
        """Play one single-turn episode of the prompt's task on the server: its env id and reward contributions.

        Raises:
            KeyError: The prompt is not one of the rows'.
        """
        env_id, task_id = self._tasks[_key(prompt)]
        env = self._session(env_id)
        env.reset(options={"task_id": task_id})
        _, _, _, _, info = env.step(completion)
        with self._lock:
            self.gradings += 1
        return {"env_id": env_id, "contributions": info["contributions"]}

    def reward_funcs(self) -> list:
        """One TRL reward function per (environment, component), reading the ``served`` verdicts; named
        ``component`` for one environment and ``<env name>/<component>`` for a mixture, as locally."""
        prefix = len(self.components) > 1
        return [_reward_func(env_id, component, f"{env_id.split('/')[-1]}/{component}" if prefix else component)
                for env_id, components in self.components.items() for component in components]

    def close(self) -> None:
        """End every session and stop the workers."""
        self._pool.shutdown(wait=True)
        for env in self._sessions:
            env.close()

    def _session(self, env_id: str):
        import kernelgym

        sessions = getattr(self._local, "sessions", None)
        if sessions is None:
            sessions = self._local.sessions = {}
        if env_id not in sessions:
            sessions[env_id] = kernelgym.make(env_id, url=self.url, token=self.token)
            with self._lock:
                self._sessions.append(sessions[env_id])
        return sessions[env_id]


def _reward_func(env_id: str, component: str, name: str):
    def reward(prompts=None, completions=None, served=None, **kwargs) -> list[float | None]:
        if served is None:
            raise ValueError("no 'served' verdicts in the batch: pass rollout_func=ServedRollout(...) to the trainer")
        return [v["contributions"].get(component) if v["env_id"] == env_id else None for v in served]

    reward.__name__ = reward.__qualname__ = name
    reward.__doc__ = f"TRL reward function: the {component!r} share of {env_id}'s reward, graded by the server."
    return reward


def _key(prompt: Any) -> str:
    """A prompt (text or messages) as a lookup key."""
    return json.dumps(prompt, sort_keys=True, ensure_ascii=False)


def check_served(url: str, envs: Sequence) -> None:
    """Stop before training when the server is unreachable or does not serve one of ``envs``.

    Raises:
        SystemExit: With the reason.
    """
    from kernelgym.serve.client import ServeError, served_ids

    try:
        served = served_ids(url, served_token())
    except ServeError as exc:
        raise SystemExit(f"--env-url: {exc}") from None
    missing = [env.env_id for env in envs if env.env_id not in served]
    if missing:
        raise SystemExit(f"--env-url {url} does not serve {', '.join(missing)}; it serves: {', '.join(served)}")


def served_token() -> str | None:
    """The bearer token of the ``--env-url`` server (``KERNELGYM_SERVE_TOKEN``), if any."""
    import os

    return os.environ.get("KERNELGYM_SERVE_TOKEN") or None
