"""A blocking WebSocket connection to one environment of a ``kernelgym serve`` server: :class:`RemoteEnv`'s
transport.

Each request writes one message to a plain socket and reads the reply in the calling thread, framed by the
``websockets`` package's sans-I/O protocol: no event loop runs and no thread is woken per message, which is most
of what an asyncio client spends on a small message (see README, "What it costs"). Pings that arrive with a reply
are answered; a connection idle between requests answers the server's pings at the next request.

The server is not trusted more than the asyncio client trusts it: replies are bounded in size (``max_size``) and
in time (``message_timeout_s``), and a reply that is not a JSON object is an error.

:class:`ServeError` and :func:`served_ids` live here too, as the two other ways of talking to a server.
"""
from __future__ import annotations

import collections
import json
import socket
import ssl
from typing import Any
from urllib.parse import urlsplit

from websockets.client import ClientProtocol
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.uri import parse_uri

MESSAGE_OPCODES = (Opcode.TEXT, Opcode.BINARY, Opcode.CONT)


class ServeError(RuntimeError):
    """The server refused a request or could not be reached; the message gives its reason."""


class Connection:
    """One WebSocket session with ``{server_url}/{env_id}/ws``, opened at construction.

    Args:
        server_url: The server, ``http://127.0.0.1:8000`` (``https://`` for TLS).
        env_id: The environment id, one of those the server serves.
        token: The server's bearer token, if it has one.
        connect_timeout_s: How long to wait for the connection and the handshake.
        message_timeout_s: How long to wait for a reply (a kernel grading can take minutes).
        max_message_bytes: The largest reply accepted.

    Raises:
        ServeError: The server is down, refuses the token, or does not serve this id.
    """

    def __init__(self, server_url: str, env_id: str, token: str | None = None, connect_timeout_s: float = 10.0,
                 message_timeout_s: float = 900.0, max_message_bytes: int = 64 << 20):
        self.server_url, self.env_id = server_url.rstrip("/"), env_id
        self.message_timeout_s = message_timeout_s
        ws_url = ws_address(self.server_url, env_id)
        self._protocol = ClientProtocol(parse_uri(ws_url), max_size=max_message_bytes)
        self._events: collections.deque = collections.deque()
        self._socket = _open_socket(self.server_url, ws_url, connect_timeout_s)
        try:
            self._handshake(token)
        except BaseException:
            self._socket.close()
            raise
        self._socket.settimeout(message_timeout_s)

    @property
    def is_open(self) -> bool:
        """Whether requests can still be sent (False once either side closed the session)."""
        return self._socket.fileno() >= 0 and self._protocol.state is State.OPEN

    def request(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send ``message`` as JSON and return the server's reply, a JSON object.

        Raises:
            ServeError: The server answered with an error (the session goes on), closed the session, did not
                answer in time, or answered with something else than a JSON object (the session is closed).
        """
        try:
            if self.is_open:
                self._protocol.send_text(json.dumps(message).encode())
                self._flush()
            # else: the server closed the session; what it said before (a full server's refusal) is the answer
            raw = self._receive_message()
        except OSError as exc:  # a timeout too: a reply that comes later must not be read as the next one's
            raise self._closed_error(exc) from None
        except BaseException:
            self._socket.close()
            raise
        try:
            reply = json.loads(raw.decode())
        except ValueError:  # UnicodeDecodeError too
            reply = None
        if not isinstance(reply, dict):
            self._socket.close()
            raise ServeError(f"{self.server_url} answered with something else than a JSON object")
        if reply.get("type") == "error":
            data = reply.get("data") if isinstance(reply.get("data"), dict) else {}
            raise ServeError(f"{data.get('message', 'unknown error')} ({data.get('code', 'UNKNOWN')})")
        return reply

    def close(self) -> None:
        """End the session (OpenEnv's ``close`` message, then the WebSocket closing handshake)."""
        if not self.is_open:
            self._socket.close()
            return
        try:
            self._protocol.send_text(b'{"type": "close"}')
            self._protocol.send_close()
            self._flush()
            self._socket.settimeout(1.0)
            while self._read():  # until the server ends the stream
                pass
        except OSError:
            pass
        finally:
            self._socket.close()

    def _handshake(self, token: str | None) -> None:
        request = self._protocol.connect()
        if token:
            request.headers["Authorization"] = f"Bearer {token}"
        self._protocol.send_request(request)
        try:
            self._flush()
            while not self._events and self._read():
                pass
        except OSError as exc:
            raise ServeError(f"cannot reach {self.server_url}: {exc}") from None
        response = self._events.popleft() if self._events else None
        if not isinstance(response, Response):
            raise ServeError(f"{self.server_url} closed the connection during the WebSocket handshake")
        if response.status_code != 101:
            raise refusal(self.server_url, self.env_id, response.status_code, token)
        if self._protocol.handshake_exc is not None:
            raise ServeError(f"{self.server_url}: bad WebSocket handshake: {self._protocol.handshake_exc}")

    def _receive_message(self) -> bytes:
        """The next text or binary message, its fragments joined; pings are answered on the way."""
        parts: list[bytes] = []
        while True:
            while self._events:
                frame = self._events.popleft()
                if frame.opcode in MESSAGE_OPCODES:
                    parts.append(frame.data)
                    if frame.fin:
                        return b"".join(parts)
            if not self._read():
                raise ConnectionError("end of stream")

    def _read(self) -> bool:
        """Read what the socket has into the protocol and send what it answers; False at the end of the stream."""
        data = self._socket.recv(1 << 16)
        if data:
            self._protocol.receive_data(data)
        else:
            self._protocol.receive_eof()
        self._events.extend(self._protocol.events_received())
        self._flush()
        if self._protocol.parser_exc is not None:
            raise ConnectionError(f"bad frame: {self._protocol.parser_exc}")
        return bool(data)

    def _flush(self) -> None:
        chunks = self._protocol.data_to_send()
        data = b"".join(chunks)
        if data:
            self._socket.sendall(data)
        if chunks and not chunks[-1]:  # the protocol asks to end the stream
            self._socket.shutdown(socket.SHUT_WR)

    def _closed_error(self, exc: BaseException) -> ServeError:
        """Why the session ended: the server's close code and reason where it sent them."""
        if isinstance(exc, socket.timeout):
            self._socket.close()
            return ServeError(f"no reply from {self.server_url} in {self.message_timeout_s:g} s")
        if self._protocol.parser_exc is not None:
            self._socket.close()
            return ServeError(f"{self.server_url} sent a message this client does not accept: "
                              f"{self._protocol.parser_exc}")
        close = self._protocol.close_rcvd
        if close is None:
            try:  # the server may have closed its side after saying why (a message over its size limit)
                self._socket.settimeout(1.0)
                while self._protocol.close_rcvd is None and self._read():
                    pass
            except OSError:
                pass
            close = self._protocol.close_rcvd
        self._socket.close()
        if close is None:
            return ServeError(f"the server closed the session: {exc}")
        hint = " (message too big for the server)" if close.code == 1009 else ""
        return ServeError(f"the server closed the session: {close.code} {close.reason}{hint}".rstrip())


def ws_address(server_url: str, env_id: str) -> str:
    """The WebSocket address of an environment's sessions.

    >>> ws_address("http://127.0.0.1:8000", "kernelgym/repeat-digit-v0")
    'ws://127.0.0.1:8000/kernelgym/repeat-digit-v0/ws'
    """
    scheme, rest = server_url.rstrip("/").split("://", 1)
    return f"{'wss' if scheme in ('https', 'wss') else 'ws'}://{rest}/{env_id}/ws"


def _open_socket(server_url: str, ws_url: str, timeout_s: float) -> socket.socket:
    parts = urlsplit(ws_url)
    secure = parts.scheme == "wss"
    try:
        sock = socket.create_connection((parts.hostname, parts.port or (443 if secure else 80)), timeout=timeout_s)
    except OSError as exc:
        raise ServeError(f"cannot reach {server_url}: {exc}") from None
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if secure:
        sock = ssl.create_default_context().wrap_socket(sock, server_hostname=parts.hostname)
    return sock


def refusal(server_url: str, env_id: str, status: int, token: str | None) -> ServeError:
    """The error for a refused WebSocket handshake, with the served ids when the id is not one of them."""
    if status in (401, 403):
        return ServeError(f"{server_url} refused the connection: missing or wrong token")
    if status == 404:
        return ServeError(f"{server_url} does not serve {env_id!r}; it serves: "
                          f"{', '.join(served_ids(server_url, token))}")
    return ServeError(f"{ws_address(server_url, env_id)}: HTTP {status}")


def served_ids(server_url: str, token: str | None = None) -> list[str]:
    """The environment ids a server serves (``GET /envs``)."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        response = httpx.get(f"{server_url.rstrip('/')}/envs", headers=headers, timeout=10.0, trust_env=False)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise ServeError(f"cannot list the environments of {server_url}: {exc}") from None
    return sorted(response.json()["envs"])
