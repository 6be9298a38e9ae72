# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""What every loopback stand-in shares: serving a handler on 127.0.0.1, relaying HTTP messages.

    with serving(Handler, lifetime_s=300) as server:
        url = f"http://127.0.0.1:{server.server_address[1]}/"

:func:`serving` runs a :class:`~http.server.ThreadingHTTPServer` on a free port in
a daemon thread until the block ends (or ``lifetime_s`` passes: a stand-in stops
even when a crashed test or a killed rehearsal never stops it). The proxies
(``artifact_proxy``, ``fault_proxy``) also share how they read a request body and
which headers they must not pass on.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TypeVar

_Service = TypeVar("_Service", bound="LoopbackService")

# Headers that belong to one connection, not to the message (RFC 9110 §7.6.1), so a
# proxy does not pass them on; Content-Length is set again for the body it sends.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "content-length",
    }
)


@contextlib.contextmanager
def serving(
    handler: type[BaseHTTPRequestHandler],
    *,
    lifetime_s: float | None = None,
    tls: ssl.SSLContext | None = None,
) -> Iterator[ThreadingHTTPServer]:
    """Serve ``handler`` on 127.0.0.1 (free port) until the block ends or ``lifetime_s`` passes.

    ``tls`` (a server-side context with its certificate chain loaded) makes it
    HTTPS. Yields the running server; its port is ``server.server_address[1]``.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, name=handler.__name__, daemon=True)
    thread.start()
    timer = None
    if lifetime_s is not None:
        timer = threading.Timer(lifetime_s, server.shutdown)
        timer.daemon = True
        timer.start()
    try:
        yield server
    finally:
        if timer is not None:
            timer.cancel()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class LoopbackService:
    """Base of a stand-in used as a context manager: serves :meth:`handler` while the block runs.

    Stops after ``lifetime_s`` seconds even if the block never ends.
    """

    def __init__(self, lifetime_s: float) -> None:
        self.lifetime_s = lifetime_s
        self._server: ThreadingHTTPServer | None = None
        self._stack = contextlib.ExitStack()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """The request handler class, bound to this stand-in's state."""
        raise NotImplementedError

    @property
    def port(self) -> int:
        """The TCP port it listens on; RuntimeError outside the ``with`` block."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not running")
        return self._server.server_address[1]

    def __enter__(self: _Service) -> _Service:
        self._server = self._stack.enter_context(
            serving(self.handler(), lifetime_s=self.lifetime_s)
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stack.close()
        self._server = None


def read_body(handler: BaseHTTPRequestHandler) -> bytes:
    """The body of the request ``handler`` is serving, sent with Content-Length or chunked."""
    if handler.headers.get("Transfer-Encoding", "").lower() != "chunked":
        return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
    chunks: list[bytes] = []
    while True:
        size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
        chunk = handler.rfile.read(size)
        handler.rfile.readline()  # the CRLF after the chunk (after the last one: the trailer's)
        if size == 0:
            return b"".join(chunks)
        chunks.append(chunk)


def send_relayed_headers(handler: BaseHTTPRequestHandler, headers: list[tuple[str, str]]) -> None:
    """Send ``headers`` of an upstream answer, except the hop-by-hop ones."""
    for name, value in headers:
        if name.lower() not in HOP_BY_HOP:
            handler.send_header(name, value)
