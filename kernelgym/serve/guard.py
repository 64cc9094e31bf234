"""The server's front door: a bearer token and a size limit on request bodies, checked before OpenEnv sees a request.

An ASGI middleware, so it sees HTTP requests and WebSocket handshakes alike. A request without the token gets
401 (a WebSocket handshake too: it is refused before it is accepted), a WebSocket to a path that serves no
environment 404; the others go straight to their environment's session endpoint
(:class:`kernelgym.serve.endpoint.SessionEndpoint`), past the web framework's routing and middleware. WebSocket
messages are bounded by the server's ``ws_max_size`` (see :mod:`kernelgym.serve.app`), HTTP bodies here (413).
``/health`` answers without a token.
"""
from __future__ import annotations

import hmac
import json
from typing import Any, Awaitable, Callable

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

OPEN_PATHS = ("/health",)


class Guard:
    """Refuse requests without the bearer token (when one is set) and HTTP bodies over ``max_body_bytes``.

    Args:
        app: The application behind the guard (HTTP requests).
        token: The bearer token every request must carry (None: no token needed).
        max_body_bytes: The largest HTTP request body accepted.
        websockets: The paths where a WebSocket may open, each with the application that serves it (others are
            refused with 404).
    """

    def __init__(self, app: App, token: str | None, max_body_bytes: int, websockets: dict[str, App]):
        self.app = app
        self.websockets = websockets
        self._expected = f"Bearer {token}".encode() if token else None
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        if not self._authorized(scope):
            return await _reply(send, 401, "missing or wrong bearer token (send 'Authorization: Bearer TOKEN')",
                                scope)
        if kind == "websocket":
            endpoint = self.websockets.get(scope["path"])
            if endpoint is None:
                return await _reply(send, 404, f"no environment is served at {scope['path']}", scope)
            return await endpoint(scope, receive, send)
        if kind == "http":
            declared = dict(scope["headers"]).get(b"content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
                return await _reply(send, 413, f"request body over {self.max_body_bytes} bytes")
            receive = _bounded(receive, self.max_body_bytes)
        await self.app(scope, receive, send)

    def _authorized(self, scope: Scope) -> bool:
        if self._expected is None or scope.get("path") in OPEN_PATHS:
            return True
        given = dict(scope["headers"]).get(b"authorization", b"")
        return hmac.compare_digest(given, self._expected)


class BodyTooLarge(Exception):
    """A streamed HTTP body grew past the limit."""


def _bounded(receive: Receive, limit: int) -> Receive:
    """``receive`` that raises once the body read so far is over ``limit`` bytes (bodies without a length)."""
    seen = 0

    async def bounded() -> dict[str, Any]:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(f"request body over {limit} bytes")
        return message

    return bounded


async def _reply(send: Send, status: int, detail: str, scope: Scope | None = None) -> None:
    """An HTTP error reply; for a WebSocket handshake, ASGI's denial response (or a close where the server lacks
    that extension: the client then sees 403)."""
    prefix = "http"
    if scope is not None and scope["type"] == "websocket":
        if "websocket.http.response" not in scope.get("extensions", {}):
            return await send({"type": "websocket.close", "code": 1008, "reason": detail[:100]})
        prefix = "websocket.http"
    body = json.dumps({"detail": detail}).encode()
    await send({"type": f"{prefix}.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": f"{prefix}.response.body", "body": body})
