"""KernelGym's environments: the shared text-environment contract and the kernel environment."""
from .core import EpisodeError, Graded, Task, TextEnv, discounted_returns, weighted

__all__ = ["EpisodeError", "Graded", "Task", "TextEnv", "discounted_returns", "weighted"]
