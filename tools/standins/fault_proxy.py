# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""A scripted, fault-injecting HTTP proxy on loopback, for testing uploads against a flaky index.

It sits in front of a real index (pypiserver) and decides, per upload request
(POST), what happens, following a script::

    with fault_proxy(index.url, [Answer(503), Answer(503)]) as proxy:   # 503 twice, then forward
        twine upload --repository-url proxy.url ...
    with fault_proxy(index.url, [], then=Answer(503)) as proxy:          # always 503

Actions: :class:`Forward` (pass it on), :class:`Answer` (answer with an HTTP
error without forwarding), :class:`Reset` (read the request, then reset the TCP
connection), :class:`Delay` (wait, then drop the connection: a client timeout),
:class:`ForwardThenAnswer` (the upload lands but the client gets an error: a lost
response). Every other request (GET of the simple API or of files) is forwarded.
``proxy.events`` records what was done to each upload request. With
``tamper_downloads=True`` every file downloaded through the proxy gets one
extra byte (a corrupting mirror or CDN; the simple pages pass unchanged).
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import socket
import struct
import threading
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Union

from standins.serving import HOP_BY_HOP, read_body, send_relayed_headers, serving


@dataclass(frozen=True)
class Forward:
    """Pass the request on to the upstream index."""


@dataclass(frozen=True)
class Answer:
    """Answer ``code`` without forwarding. ``{basic_auth}`` in ``body`` echoes the credentials."""

    code: int
    body: str = ""


@dataclass(frozen=True)
class Reset:
    """Read the request, then reset the connection (TCP RST) without answering."""


@dataclass(frozen=True)
class Delay:
    """Wait ``seconds`` (longer than the client's timeout), then close without answering."""

    seconds: float


@dataclass(frozen=True)
class ForwardThenAnswer:
    """Forward the request (the upload lands), but answer the client ``code``."""

    code: int


Action = Union[Forward, Answer, Reset, Delay, ForwardThenAnswer]


@dataclass
class FaultProxy:
    """A running proxy: its URL and what it did to each upload request, in order."""

    url: str
    upstream: str
    script: list[Action]
    then: Action
    tamper_downloads: bool = False
    events: list[tuple[str, str, Action]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)

    def next_action(self, method: str, path: str) -> Action:
        """The scripted action for this request (uploads only), recorded in ``events``."""
        with self.lock:
            if method != "POST":
                return Forward()
            action = self.script.pop(0) if self.script else self.then
            self.events.append((method, path, action))
            return action

    def uploads(self) -> list[Action]:
        """The actions applied to upload requests, in order."""
        with self.lock:
            return [action for _, _, action in self.events]


def _basic_auth(header: str | None) -> str:
    if not header or not header.lower().startswith("basic "):
        return ""
    return base64.b64decode(header.split(" ", 1)[1]).decode("utf-8", errors="replace")


def _handler(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    upstream = urllib.parse.urlsplit(proxy.upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

        def _reply(
            self, code: int, headers: list[tuple[str, str]], body: bytes, reason: str | None = None
        ) -> None:
            self.send_response(code, reason)
            send_relayed_headers(self, headers)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True

        def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
            connection = http.client.HTTPConnection(
                upstream.hostname or "127.0.0.1", upstream.port or 80, timeout=60
            )
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                connection.request(self.command, self.path, body=body, headers=headers)
                response = connection.getresponse()
                return response.status, response.getheaders(), response.read()
            finally:
                connection.close()

        def _drop(self, reset: bool) -> None:
            if reset:
                # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.close()

        def _handle(self) -> None:
            body = read_body(self)
            action = proxy.next_action(self.command, self.path)
            if isinstance(action, Answer):
                text = action.body.format(basic_auth=_basic_auth(self.headers.get("Authorization")))
                reason = http.client.responses.get(action.code, "Error")
                # Also as the reason phrase: that is what twine prints (PyPI explains errors there).
                self._reply(action.code, [], (text or reason).encode(), text or reason)
            elif isinstance(action, Reset):
                self._drop(reset=True)
            elif isinstance(action, Delay):
                proxy.stopping.wait(action.seconds)  # cut short when the proxy stops
                self._drop(reset=False)
            elif isinstance(action, ForwardThenAnswer):
                self._forward(body)
                self._reply(action.code, [("Content-Type", "text/plain")], b"lost response")
            else:
                code, headers, payload = self._forward(body)
                is_file = self.command == "GET" and self.path.startswith("/packages/")
                if proxy.tamper_downloads and is_file and code == 200:
                    payload += b"\0"  # other bytes than the index lists
                self._reply(code, headers, payload)

        do_GET = do_POST = do_HEAD = _handle

        def finish(self) -> None:
            # After a reset or drop the socket is gone; flushing it must not raise.
            with contextlib.suppress(OSError):
                super().finish()

    return Handler


@contextlib.contextmanager
def fault_proxy(
    upstream: str,
    script: Sequence[Action] = (),
    *,
    then: Action | None = None,
    tamper_downloads: bool = False,
) -> Iterator[FaultProxy]:
    """Run the proxy on 127.0.0.1 (free port) in front of ``upstream`` until the block ends.

    Upload requests get the actions of ``script`` in order, then ``then``
    (default :class:`Forward`) for every further upload.
    """
    proxy = FaultProxy(
        url="",
        upstream=upstream,
        script=list(script),
        then=then or Forward(),
        tamper_downloads=tamper_downloads,
    )
    with serving(_handler(proxy)) as server:
        proxy.url = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            yield proxy
        finally:
            proxy.stopping.set()  # cut a Delay short, so that the server can stop
