"""``kernelgym serve``: its options, and the line that says where it listens. The server is
:mod:`kernelgym.serve.app`; making and warming the environments, :mod:`kernelgym.serve.commands`."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from .output import error


def add_parsers(commands) -> None:
    """Add ``serve`` to the main parser's subcommands."""
    from ..serve.commands import TOKEN_VARIABLE

    parser = commands.add_parser("serve", help="serve environments over OpenEnv (WebSocket sessions) on loopback",
                                 description="Serve KernelGym environments as OpenEnv environments, each at "
                                             "http://HOST:PORT/<env_id>, graded on this machine's sandbox pool "
                                             "(needs the serve extra: pip install 'kernelgym[serve]').")
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
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Make every environment (stopping with the reason on a bad id or argument), load its tasks, warm the
    grader, then serve until interrupted; once the port is open, print ``kernelgym serve: IDS on URL``."""
    from ..serve.app import ServeSettings, serve
    from ..serve.commands import make_envs

    try:
        settings = ServeSettings(host=args.host, port=args.port, token=read_token(args.token_file),
                                 max_action_chars=args.max_action_chars, max_sessions=args.max_sessions,
                                 idle_timeout_s=args.idle_timeout)
        envs = make_envs(args.envs)
    except (ValueError, OSError) as exc:
        return error(exc)
    serve(envs, settings, ready=lambda url: print(f"kernelgym serve: {', '.join(e.env_id for e in envs)} on {url}",
                                                  flush=True))
    return 0


def read_token(token_file: Path | None) -> str | None:
    """The bearer token: the file's content when ``--token-file`` is given, else ``KERNELGYM_SERVE_TOKEN``.

    Raises:
        ValueError: The file is empty.
        OSError: The file cannot be read.
    """
    from ..serve.commands import TOKEN_VARIABLE

    if token_file is not None:
        token = token_file.read_text().strip()
        if not token:
            raise ValueError(f"{token_file} is empty")
        return token
    return os.environ.get(TOKEN_VARIABLE) or None
