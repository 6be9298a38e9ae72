# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""What the loopback stand-ins share (standins.serving), through the artifact proxy.

The proxy reads a chunked request body, drops hop-by-hop headers both ways and
lives only inside its ``with`` block; a real upstream server records what
arrived.
"""

from __future__ import annotations

import http.client
from http.server import BaseHTTPRequestHandler

import pytest

from standins.artifact_proxy import ArtifactProxy
from standins.serving import serving

SEEN: list[tuple[str, bytes, dict[str, str]]] = []


class Upstream(BaseHTTPRequestHandler):
    """Records each request and answers with its body reversed."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        SEEN.append((self.path, body, {k.lower(): v for k, v in self.headers.items()}))
        answer = body[::-1]
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.send_header("Keep-Alive", "timeout=5")  # hop-by-hop: never passed back
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_chunked_request_is_relayed_whole_without_hop_by_hop_headers() -> None:
    SEEN.clear()
    with serving(Upstream) as upstream:
        with ArtifactProxy(f"http://127.0.0.1:{upstream.server_address[1]}/") as proxy:
            connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=30)
            connection.putrequest("POST", "/upload?sig=abc")
            connection.putheader("Transfer-Encoding", "chunked")
            connection.putheader("Proxy-Authorization", "Basic c2VjcmV0")
            connection.endheaders()
            for chunk in (b"hello ", b"chunked ", b"world"):
                connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            connection.send(b"0\r\n\r\n")
            response = connection.getresponse()
            answer, headers = response.read(), dict(response.getheaders())
            connection.close()
            assert [(e.method, e.endpoint, e.status) for e in proxy.exchanges] == [
                ("POST", "/upload", 200)
            ]
        with pytest.raises(RuntimeError, match="ArtifactProxy is not running"):
            proxy.url  # noqa: B018  (the property raises outside the block)
    [(path, body, sent)] = SEEN
    assert path == "/upload?sig=abc="  # the signature's base64 padding restored
    assert body == b"hello chunked world"
    assert "transfer-encoding" not in sent and "proxy-authorization" not in sent
    assert sent["content-length"] == str(len(body))
    assert answer == body[::-1]
    assert "Keep-Alive" not in headers
