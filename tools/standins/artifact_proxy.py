# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""A loopback proxy that lets today's artifact actions talk to act 0.2.89's artifact server.

``actions/upload-artifact`` v7 and ``actions/download-artifact`` v8 (client library
``@actions/artifact`` 6.x) speak the v4 Twirp artifact API. act 0.2.89 serves that
API (``act --artifact-server-path``) but differs from GitHub in three ways that
break them; act's sources fixed the first two after 0.2.89:

1. ``CreateArtifact`` requests carry ``mime_type``; act decodes strictly and answers 500.
   The proxy drops the field.
2. The client drops the base64 ``=`` padding of the signed URL's ``sig`` query value;
   act's signature check then answers 401. The proxy pads it again.
3. act gives every artifact the id 1 and ignores ``ListArtifacts``' id filter, so a
   download by id (which is how download-artifact fetches even a named artifact)
   gets whichever artifact sorts first. The proxy numbers artifacts by name and
   turns an id filter back into the name filter act understands.

Everything else passes through unchanged. The ``Host`` header is kept, so the
signed URLs act builds from it point back at the proxy.

act sets ``ACTIONS_RESULTS_URL`` itself and ignores overrides, so the action's
node process must be pointed at the proxy from inside: :func:`write_node_preload`
writes a script for ``NODE_OPTIONS=--require FILE`` that replaces the variable
with ``$DUCKALOG_ARTIFACT_PROXY_URL``.

    with ArtifactProxy("http://127.0.0.1:34567/") as proxy:
        env["DUCKALOG_ARTIFACT_PROXY_URL"] = proxy.url
        env["NODE_OPTIONS"] = f"--require {write_node_preload(tmp)}"
"""

from __future__ import annotations

import http.client
import json
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from standins.serving import HOP_BY_HOP, LoopbackService, read_body, send_relayed_headers

PROXY_URL_ENV = "DUCKALOG_ARTIFACT_PROXY_URL"
SERVICE = "/twirp/github.actions.results.api.v1.ArtifactService/"

_NODE_PRELOAD = """\
// SPDX-FileCopyrightText: 2026 Duckalog contributors
// SPDX-License-Identifier: MIT
// Loaded into every node process of an act run (NODE_OPTIONS=--require): act sets
// ACTIONS_RESULTS_URL to its own artifact server and ignores overrides, so the
// artifact actions are pointed at the loopback proxy in front of it from here.
const proxy = process.env.DUCKALOG_ARTIFACT_PROXY_URL;
if (proxy && process.env.ACTIONS_RESULTS_URL) {
  process.env.ACTIONS_RESULTS_URL = proxy;
}
"""


def write_node_preload(directory: Path) -> Path:
    """Write the ``--require`` script into ``directory``; returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "artifact-proxy-preload.js"
    path.write_text(_NODE_PRELOAD, encoding="utf-8")
    return path


def pad_signature(query: str) -> str:
    """``query`` with the ``sig`` value's base64 padding restored (other fields untouched)."""
    fields = query.split("&") if query else []
    for index, item in enumerate(fields):
        name, sep, value = item.partition("=")
        if name == "sig" and sep and "%" not in value:
            fields[index] = f"sig={value}{'=' * (-len(value) % 4)}"
    return "&".join(fields)


@dataclass(frozen=True)
class Exchange:
    """One request the proxy passed on: method, Twirp method or path, upstream status."""

    method: str
    endpoint: str
    status: int


class ArtifactIds:
    """Distinct artifact ids, one per artifact name, in order of first sight (from 1)."""

    def __init__(self) -> None:
        self._by_name: dict[str, int] = {}
        self._lock = threading.Lock()

    def of(self, name: str) -> int:
        """The id of artifact ``name``."""
        with self._lock:
            return self._by_name.setdefault(name, len(self._by_name) + 1)

    def name(self, artifact_id: int) -> str | None:
        """The name behind ``artifact_id``, or None when the proxy never handed it out."""
        with self._lock:
            return next((n for n, i in self._by_name.items() if i == artifact_id), None)


def _int_value(value: Any) -> int | None:
    """An Int64Value as protobuf JSON writes it: "7", 7 or {"value": "7"}."""
    if isinstance(value, dict):
        value = value.get("value")
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def rewrite_request(method: str, body: bytes, ids: ArtifactIds) -> bytes:
    """The request body act can digest, for the Twirp ``method`` (e.g. ``CreateArtifact``)."""
    if method not in ("CreateArtifact", "ListArtifacts") or not body:
        return body
    data = json.loads(body)
    if method == "CreateArtifact":
        data.pop("mime_type", None)
        data.pop("mimeType", None)
    else:
        for key in ("id_filter", "idFilter"):
            if key in data:
                wanted = _int_value(data.pop(key))
                name = ids.name(wanted) if wanted is not None else None
                # An id the proxy never gave out matches nothing, as on GitHub.
                data["name_filter"] = name if name is not None else "\0no such artifact"
    return json.dumps(data).encode()


def rewrite_response(method: str, request: bytes, body: bytes, ids: ArtifactIds) -> bytes:
    """act's answer with a distinct id per artifact (see the module docstring, item 3)."""
    if method not in ("ListArtifacts", "FinalizeArtifact") or not body:
        return body
    data = json.loads(body)
    if method == "ListArtifacts":
        for artifact in data.get("artifacts") or []:
            artifact["databaseId"] = str(ids.of(str(artifact.get("name"))))
    elif data.get("ok"):
        data["artifactId"] = str(ids.of(str(json.loads(request).get("name"))))
    return json.dumps(data).encode()


class ArtifactProxy(LoopbackService):
    """Context manager: the proxy on 127.0.0.1 (free port) in front of ``upstream``.

    ``upstream`` is act's artifact server URL (``http://ADDR:PORT/``). The proxy
    stops after ``lifetime_s`` seconds even if nobody stops it. ``exchanges``
    records every request passed on, for diagnostics.
    """

    def __init__(self, upstream: str, lifetime_s: float = 1800) -> None:
        parsed = urllib.parse.urlsplit(upstream)
        if parsed.scheme != "http" or not parsed.hostname or not parsed.port:
            raise ValueError(f"upstream must be http://HOST:PORT/, not {upstream!r}")
        super().__init__(lifetime_s)
        self.upstream = (parsed.hostname, parsed.port)
        self.ids = ArtifactIds()
        self.exchanges: list[Exchange] = []

    @property
    def url(self) -> str:
        """The proxy's base URL, ``http://127.0.0.1:PORT/`` (trailing slash, like act's)."""
        return f"http://127.0.0.1:{self.port}/"

    def forward(
        self, verb: str, target: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Pass one request on, with the fixes applied; returns status, headers, body."""
        path, _, query = target.partition("?")
        method = path[len(SERVICE) :] if path.startswith(SERVICE) else ""
        sent = rewrite_request(method, body, self.ids)
        connection = http.client.HTTPConnection(*self.upstream, timeout=120)
        try:
            connection.putrequest(
                verb, f"{path}?{pad_signature(query)}" if query else path, skip_host=True
            )
            for name, value in headers:
                if name.lower() not in HOP_BY_HOP:
                    connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(sent)))
            connection.endheaders(sent)
            response = connection.getresponse()
            answer = response.read()
            status, reply_headers = response.status, response.getheaders()
        finally:
            connection.close()
        if status == 200:
            answer = rewrite_response(method, sent, answer, self.ids)
        self.exchanges.append(Exchange(verb, method or path, status))
        return status, reply_headers, answer

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """Passes every request on through :meth:`forward`; 502 when act cannot be reached."""
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                body = read_body(self)
                try:
                    status, headers, answer = proxy.forward(
                        self.command, self.path, list(self.headers.items()), body
                    )
                except (OSError, ValueError) as error:
                    status, headers = 502, []
                    answer = f"artifact proxy: {error}".encode()
                self.send_response(status)
                send_relayed_headers(self, headers)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer)

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass  # `exchanges` keeps what matters

        return Handler
