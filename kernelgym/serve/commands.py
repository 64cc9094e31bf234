"""``kernelgym serve``: the options, and making and warming the environments before the port opens."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

TOKEN_VARIABLE = "KERNELGYM_SERVE_TOKEN"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``kernelgym serve``."""
    parser.add_argument("envs", nargs="+", metavar="ID[?KEY=VALUE&...]",
                        help="environment ids (or spec paths) to serve, each with arguments of kernelgym.make after "
                             "a '?', e.g. 'kernelgym/countdown-v0?difficulty=2&max_turns=3'")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; any other "
                                                            "needs a token)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free port)")
    parser.add_argument("--token-file", type=Path, default=None,
                        help=f"file holding the bearer token clients must send (or set {TOKEN_VARIABLE})")
    parser.add_argument("--max-action-chars", type=int, default=200_000,
                        help="longest completion accepted, in characters (default 200000)")
    parser.add_argument("--max-sessions", type=int, default=64,
                        help="concurrent sessions per environment id (default 64)")
    parser.add_argument("--idle-timeout", type=float, default=600.0,
                        help="seconds after which a session with no request is closed (default 600)")


def run_command(args: argparse.Namespace) -> int:
    """Make every environment (stopping with the reason on a bad id or argument), load its tasks, warm the
    grader, then serve until interrupted."""
    from .app import ServeSettings, serve

    try:
        token = _token(args)
        settings = ServeSettings(host=args.host, port=args.port, token=token, max_action_chars=args.max_action_chars,
                                 max_sessions=args.max_sessions, idle_timeout_s=args.idle_timeout)
        settings.check()
        envs = make_envs(args.envs)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    serve(envs, settings, ready=lambda url: print(f"kernelgym serve: {', '.join(e.env_id for e in envs)} on {url}",
                                                  flush=True))
    return 0


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


def _token(args: argparse.Namespace) -> str | None:
    if args.token_file is not None:
        token = args.token_file.read_text().strip()
        if not token:
            raise ValueError(f"{args.token_file} is empty")
        return token
    return os.environ.get(TOKEN_VARIABLE) or None
