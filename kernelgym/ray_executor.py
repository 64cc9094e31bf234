"""The Ray executor: the same sandboxed grading as the local pool, run by Ray actors on one machine or many.

Each actor (one per CPU of the cluster by default, each reserving one CPU) owns a warm
:class:`kernelgym.grader.Grader` with its own zygotes and compile cache, on whichever node Ray placed it, and is
reused across batches. Candidates never run inside an actor: the actor forks them from its zygotes exactly as the
local pool does, so a verdict does not depend on where it was computed. A loaded
:class:`kernelgym.problem.Problem` holds a module and does not pickle, so the driver sends a :class:`ProblemSpec`
instead (the file's path and text, its test cases with any overrides applied, its tolerances); an actor loads it
once, from the path when that file holds the same text, else from a private copy, so nodes need no checkout of the
suite. Results come back in input order. An actor that dies (its node lost, killed for memory) is replaced and
its grading resubmitted.

A cluster of several machines, each with the same Python, torch and kernelgym installed::

    ray start --head --port=6379                 # on the head node
    ray start --address=HEAD_IP:6379             # on every other node
    RAY_ADDRESS=auto kernelgym bench ... --executor ray   # on the head node (or RayExecutor(address="auto"))

Without an address (and without ``RAY_ADDRESS``), :class:`RayExecutor` starts a Ray instance on this machine and
stops it on :meth:`RayExecutor.close`.
"""
from __future__ import annotations

import hashlib
import queue
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .grader import Grader, GraderConfig
from .problem import Problem, load_problem
from .result import KernelResult


@dataclass(frozen=True)
class ProblemSpec:
    """A problem by value: everything a Ray actor on any node needs to load it and grade as the driver would.

    Attributes:
        path: The problem file's path on the driver.
        source: The file's text.
        test_cases: Constant overrides per correctness run, with the loader's overrides already applied.
        timing_cases: Constant overrides per GPU timing run.
        atol: Absolute tolerance.
        rtol: Relative tolerance.
    """

    path: str
    source: str
    test_cases: list
    timing_cases: list
    atol: float
    rtol: float

    @classmethod
    def of(cls, problem: Problem) -> "ProblemSpec":
        return cls(str(problem.path), problem.source, problem.test_cases, problem.timing_cases, problem.atol,
                   problem.rtol)

    @property
    def key(self) -> str:
        """A digest of everything in the spec: the same key, the same problem."""
        text = repr((self.path, self.source, self.test_cases, self.timing_cases, self.atol, self.rtol))
        return hashlib.sha256(text.encode()).hexdigest()

    def load(self, scratch: Path) -> Problem:
        """Load the problem: from ``path`` when that file holds ``source``, else from a copy under ``scratch``
        (same folder and file name, so the problem keeps its name and level)."""
        path = Path(self.path)
        if not (path.is_file() and path.read_text() == self.source):
            path = scratch / self.key[:16] / path.parent.name / path.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.source)
        problem = load_problem(path)
        problem.test_cases, problem.timing_cases = list(self.test_cases), list(self.timing_cases)
        problem.atol, problem.rtol = self.atol, self.rtol
        return problem


class GradingWorker:
    """The body of one Ray actor: a warm grader (one grading at a time) and the problems it has loaded.

    Args:
        config: Grader settings (``workers`` is set to 1: Ray runs one actor per CPU).
    """

    def __init__(self, config: GraderConfig):
        self.grader = Grader(replace(config, workers=1))
        self._problems: dict[str, Problem] = {}
        self._scratch = Path(tempfile.mkdtemp(prefix="kernelgym-problems-"))
        self._modes = self.grader.warm()  # start the zygotes now, not on the first grading

    def grade(self, spec: ProblemSpec, completion: str, allow_plain_source: bool = False) -> KernelResult:
        key = spec.key
        if key not in self._problems:
            self._problems[key] = spec.load(self._scratch)
        return self.grader.grade(self._problems[key], completion, allow_plain_source=allow_plain_source)

    def zygote_pids(self) -> list[int]:
        """The pids of this actor's zygotes (for tests and debugging)."""
        return [z.pid for mode in self._modes for z in self.grader.sandbox.pool(mode).zygotes if z.pid]


class RayExecutor:
    """Grades batches on a Ray cluster; the same verdicts as :class:`kernelgym.executor.LocalExecutor`.

    Thread-safe: several threads may call :meth:`grade_many` at once (the bench grades one sample per call); at
    most ``workers`` gradings run at a time, one per actor.

    Args:
        config: Grader settings, sent to every actor.
        workers: Actors (default: the cluster's CPUs). Each reserves one CPU.
        address: The cluster to join: ``"auto"`` (a cluster started on this node with ``ray start``),
            ``"HOST:PORT"``, or ``"ray://HOST:10001"`` (Ray Client). Default: ``RAY_ADDRESS`` if set, else a new
            Ray instance on this machine. Ignored when Ray is already initialised in this process.
        gpus_per_worker: GPU share each actor reserves, so that Ray gives it a device (default: the cluster's
            GPUs spread over the actors; 0 on CPU clusters or with ``config.device == "cpu"``). Ray hides every
            GPU from an actor that reserved none.
        runtime_env: Ray runtime environment for the actors (for example ``{"env_vars": {...}}``).
        retries: Resubmissions of one grading whose actor died, before the error is raised.
    """

    def __init__(self, config: GraderConfig | None = None, workers: int | None = None, address: str | None = None,
                 gpus_per_worker: float | None = None, runtime_env: dict | None = None, retries: int = 2):
        try:
            import ray
        except ImportError:  # pragma: no cover - depends on the installation
            raise ImportError("the ray executor needs Ray: pip install 'kernelgym[ray]'") from None
        self._ray = ray
        self._started_ray = not ray.is_initialized()
        if self._started_ray:
            ray.init(address=address, runtime_env=runtime_env, include_dashboard=False, log_to_driver=False)
        self.config = config or GraderConfig()
        resources = ray.cluster_resources()
        self.workers = max(1, workers or int(resources.get("CPU", 1)))
        if gpus_per_worker is None:
            gpus = resources.get("GPU", 0) if self.config.device != "cpu" else 0
            gpus_per_worker = min(1.0, gpus / self.workers) if gpus else 0
        self.retries = retries
        options = {"num_cpus": 1, "num_gpus": gpus_per_worker, "max_restarts": 0}
        if runtime_env:
            options["runtime_env"] = runtime_env
        self._actor_class = ray.remote(GradingWorker).options(**options)
        self._actors = [self._actor_class.remote(self.config) for _ in range(self.workers)]
        self._free: queue.Queue[int] = queue.Queue()
        for slot in range(self.workers):
            self._free.put(slot)
        self._threads = ThreadPoolExecutor(self.workers, thread_name_prefix="kernelgym-ray")
        self._lock = threading.Lock()
        self._specs: dict[tuple[str, str], ProblemSpec] = {}
        self.replaced = 0  # actors replaced after dying

    @property
    def actors(self) -> list[Any]:
        """The current actor handles, one per slot."""
        with self._lock:
            return list(self._actors)

    def grade_many(self, items: list[tuple[Problem, str]], allow_plain_source: bool = False) -> list[KernelResult]:
        """Grade ``(problem, completion)`` pairs on the cluster; results in input order."""
        futures = [self._threads.submit(self._grade_one, self.spec_of(problem), completion, allow_plain_source)
                   for problem, completion in items]
        return [future.result() for future in futures]

    def spec_of(self, problem: Problem) -> ProblemSpec:
        """The :class:`ProblemSpec` of a problem, built once per problem (key and file) for all calls, since the
        bench grades one sample per call."""
        cache_key = (problem.key, str(problem.path))
        with self._lock:
            spec = self._specs.get(cache_key)
            if spec is None:
                spec = self._specs[cache_key] = ProblemSpec.of(problem)
            return spec

    def _grade_one(self, spec: ProblemSpec, completion: str, allow_plain_source: bool) -> KernelResult:
        from ray.exceptions import RayActorError, WorkerCrashedError

        slot = self._free.get()
        try:
            attempt = 0
            while True:  # returns, or raises once the retries are spent
                with self._lock:
                    actor = self._actors[slot]
                try:
                    return self._ray.get(actor.grade.remote(spec, completion, allow_plain_source))
                except (RayActorError, WorkerCrashedError):
                    if attempt >= self.retries:
                        raise
                    attempt += 1
                    self._replace(slot, actor)  # and retry on the new actor of the same slot
        finally:
            self._free.put(slot)

    def _replace(self, slot: int, dead: Any) -> None:
        try:
            self._ray.kill(dead)
        except Exception:  # already gone
            pass
        with self._lock:
            self._actors[slot] = self._actor_class.remote(self.config)
            self.replaced += 1

    def close(self) -> None:
        """Stop the actors (their zygotes exit with them), and Ray itself if this executor started it."""
        self._threads.shutdown(wait=True)
        for actor in self.actors:
            try:
                self._ray.kill(actor)
            except Exception:
                pass
        self._actors = []
        if self._started_ray:
            self._ray.shutdown()
