"""What ``kernelgym serve`` does before the port opens: making the environments and warming their graders (the
command's options and output are :mod:`kernelgym.cli.serve`)."""
from __future__ import annotations

TOKEN_VARIABLE = "KERNELGYM_SERVE_TOKEN"


def make_envs(texts: list[str]) -> list:
    """The environments named on the command line, tasks loaded and graders warm.

    Raises:
        ValueError: An id is unknown, an argument is not taken or has a bad value, or an id comes twice.
    """
    import kernelgym
    from kernelgym.registry import parse_env_argument

    envs = []
    for text in texts:
        env_id, kwargs = parse_env_argument(text)
        try:
            env = kernelgym.make(env_id, **kwargs)
            env.tasks()
        except (KeyError, TypeError, ValueError, OSError) as exc:
            reason = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc  # KeyError's str() quotes it
            raise ValueError(f"{text}: {reason}") from None
        if any(other.env_id == env.env_id for other in envs):
            raise ValueError(f"{text}: {env.env_id} is served once already")
        envs.append(env)
    for env in envs:
        grader = getattr(env, "grader", None)
        if grader is not None and hasattr(grader, "warm"):
            grader.warm()
    return envs
