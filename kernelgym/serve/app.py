"""The ``kernelgym serve`` application: KernelGym environments as OpenEnv environments, several in one server.

Each environment id gets OpenEnv's own server (``HTTPEnvServer``: ``/schema``, ``/metadata``, ``/health`` and the
sessions) mounted under its id, ``http://HOST:PORT/<env_id>``, so any OpenEnv client that speaks the typed records
of :mod:`kernelgym.serve.models` can use it; its ``/ws`` protocol is answered by
:class:`kernelgym.serve.endpoint.SessionEndpoint`, which does less work per message. A session is one WebSocket:
its own twin of the environment
(:class:`kernelgym.serve.environment.ServedEnv`), graded on the server's shared sandbox pool; sessions idle longer
than ``idle_timeout_s`` are closed by OpenEnv's reaper, and a client that disconnects (or dies) ends its session at
once. ``GET /envs`` lists the ids and their open sessions. OpenEnv's stateless HTTP ``/reset`` and ``/step`` are
left out (production mode): an episode lives in a session.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from ..envs.core import TextEnv
from ..field_checks import integer, number, require, string

LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class ServeSettings:
    """How a server listens and what it accepts.

    Attributes:
        host: The address to bind (loopback unless told otherwise).
        port: The port (0: any free port; the server prints the one it got).
        token: A bearer token every request must carry (None: none; refused beyond loopback).
        max_action_chars: The longest completion accepted.
        max_sessions: Concurrent sessions per environment id.
        idle_timeout_s: A session with no request for this long is closed.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    max_action_chars: int = 200_000
    max_sessions: int = 64
    idle_timeout_s: float = 600.0

    def __post_init__(self):
        """Refuse settings that make no sense, naming the field, or that are unsafe (an open port without a
        token)."""
        string(self, "host")
        integer(self, "port", minimum=0)
        require(self, "port", self.port <= 65535, "a port number from 0 to 65535")
        string(self, "token", optional=True)
        integer(self, "max_action_chars", minimum=1)
        integer(self, "max_sessions", minimum=1)
        number(self, "idle_timeout_s", above=0)
        if self.host not in LOOPBACK and not self.token:
            raise ValueError(f"serving on {self.host} (beyond loopback) needs a token: pass --token-file or set "
                             f"KERNELGYM_SERVE_TOKEN")

    @property
    def max_message_bytes(self) -> int:
        """The WebSocket message limit: the longest completion, JSON-escaped (6 bytes a character at most), plus
        room for the envelope."""
        return 6 * self.max_action_chars + 65_536


def build_app(envs: list[TextEnv], settings: ServeSettings):
    """The ASGI application serving ``envs`` (each made and loaded already), behind the token guard.

    Raises:
        ValueError: Two environments share an id.
    """
    from fastapi import FastAPI
    from openenv.core.env_server.http_server import HTTPEnvServer
    from openenv.core.env_server.types import ConcurrencyConfig, ServerMode

    from .endpoint import SessionEndpoint
    from .environment import ServedEnv
    from .guard import Guard
    from .models import KernelGymAction, KernelGymObservation

    ids = [env.env_id for env in envs]
    if len(set(ids)) != len(ids):
        raise ValueError(f"each environment id may be served once: {', '.join(ids)}")
    servers: dict[str, Any] = {}
    subapps = []
    for env in envs:
        concurrency = ConcurrencyConfig(max_concurrent_envs=settings.max_sessions,
                                        session_timeout=settings.idle_timeout_s)
        server = HTTPEnvServer(_factory(ServedEnv, env, settings.max_action_chars), KernelGymAction,
                               KernelGymObservation, concurrency_config=concurrency)
        sub = FastAPI(title=env.env_id)
        server.register_routes(sub, mode=ServerMode.PRODUCTION)
        servers[env.env_id] = server
        subapps.append(sub)

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        # Mounted applications get no lifespan events of their own: start and stop OpenEnv's session reapers here.
        for sub in subapps:
            for handler in sub.router.on_startup:
                await handler()
        yield
        for sub in subapps:
            for handler in sub.router.on_shutdown:
                await handler()

    app = FastAPI(title="kernelgym serve", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "healthy"}

    @app.get("/envs")
    def list_envs() -> dict[str, Any]:
        return {"envs": {env_id: {"active_sessions": server.active_sessions, "max_sessions": settings.max_sessions}
                         for env_id, server in servers.items()},
                "max_action_chars": settings.max_action_chars}

    for env_id, sub in zip(servers, subapps):
        app.mount(f"/{env_id}", sub)
    return Guard(app, settings.token, max_body_bytes=settings.max_message_bytes,
                 websockets={f"/{env_id}/ws": SessionEndpoint(server, KernelGymAction)
                             for env_id, server in servers.items()})


def _factory(cls, env: TextEnv, max_action_chars: int):
    def factory():
        return cls(env, max_action_chars)

    return factory


def serve(envs: list[TextEnv], settings: ServeSettings, ready=None) -> None:
    """Serve ``envs`` until interrupted; ``ready`` (if given) is called with the URL once the port is bound."""
    import socket

    import uvicorn

    app = build_app(envs, settings)
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((settings.host, settings.port))
    sock.listen(2048)  # connections wait in the backlog until uvicorn accepts them
    port = sock.getsockname()[1]
    # No per-message compression: completions are small next to its CPU cost, and a compressed message could
    # inflate past ws_max_size only after it was accepted. A blocking client (RemoteEnv) answers pings at its next
    # request, so a silent client (a model generating) gets the idle timeout to answer, as an idle session does.
    config = uvicorn.Config(app, log_level="warning", ws_max_size=settings.max_message_bytes,
                            ws_per_message_deflate=False, ws_ping_interval=min(20.0, settings.idle_timeout_s / 2),
                            ws_ping_timeout=settings.idle_timeout_s,
                            limit_concurrency=settings.max_sessions * len(envs) + 32, timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    if ready is not None:
        ready(f"http://{host}:{port}")
    server.run(sockets=[sock])
