# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""A loopback stand-in for the OSV API (``POST /v1/query``), for tests and rehearsals.

The real OSV service is not reachable from every machine that must prove the
audit gate works. This server speaks the part of the OSV API pip-audit uses: it
answers a query ``{"package": {"name", "ecosystem"}, "version"}`` with
``{"vulns": [records]}`` for the advisories whose ``affected[].versions`` list
that exact version, else ``{}``. It listens on 127.0.0.1 only, on a free port,
and shuts itself down after ``lifetime_s`` even if nobody stops it.

    with OsvServer([advisory("GHSA-x", "pyyaml", ["6.0.3"], fixed="6.0.4")]) as osv:
        subprocess.run([..., "--osv-url", osv.url])

    python -m standins.osv_server [--advisories FILE.json] [--lifetime 600]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
from collections.abc import Iterable, Sequence
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from standins.serving import LoopbackService

QUERY_PATH = "/v1/query"


def advisory(
    vuln_id: str,
    package: str,
    versions: Sequence[str],
    *,
    fixed: str | None = None,
    aliases: Sequence[str] = (),
    summary: str = "test advisory",
) -> dict[str, Any]:
    """A minimal OSV record affecting ``versions`` of ``package``, fixed in ``fixed``."""
    events: list[dict[str, str]] = [{"introduced": "0"}]
    if fixed:
        events.append({"fixed": fixed})
    return {
        "schema_version": "1.6.0",
        "id": vuln_id,
        "aliases": list(aliases),
        "summary": summary,
        "modified": "2026-11-01T00:00:00Z",
        "published": "2026-11-01T00:00:00Z",
        "affected": [
            {
                "package": {"name": package, "ecosystem": "PyPI"},
                "ranges": [{"type": "ECOSYSTEM", "events": events}],
                "versions": list(versions),
            }
        ],
    }


def matches(record: dict[str, Any], name: str, version: str) -> bool:
    """Whether OSV ``record`` lists ``version`` of PyPI package ``name`` as affected."""
    return any(
        affected.get("package", {}).get("ecosystem") == "PyPI"
        and canonicalize_name(affected.get("package", {}).get("name", "")) == name
        and version in affected.get("versions", [])
        for affected in record.get("affected", [])
    )


class OsvServer(LoopbackService):
    """Context manager running the stand-in on 127.0.0.1 in a daemon thread."""

    def __init__(
        self,
        advisories: Iterable[dict[str, Any]] = (),
        lifetime_s: float = 300,
        fail_status: int | None = None,
    ) -> None:
        super().__init__(lifetime_s)
        self.advisories = list(advisories)
        # Fault injection: answer every query with this HTTP error status instead.
        self.fail_status = fail_status
        self.queries: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The query endpoint, e.g. ``http://127.0.0.1:41234/v1/query``."""
        return f"http://127.0.0.1:{self.port}{QUERY_PATH}"

    def answer(self, query: dict[str, Any]) -> dict[str, Any]:
        """The OSV response body for one query (and remember the query)."""
        with self._lock:
            self.queries.append(query)
        package = query.get("package", {})
        if package.get("ecosystem") != "PyPI":
            return {}
        name = canonicalize_name(str(package.get("name", "")))
        found = [r for r in self.advisories if matches(r, name, str(query.get("version")))]
        return {"vulns": found} if found else {}

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """Answers ``POST /v1/query`` from :meth:`answer`."""
        osv = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if self.path != QUERY_PATH:
                    self.send_error(404)
                    return
                if osv.fail_status is not None:
                    self.send_error(osv.fail_status)
                    return
                length = int(self.headers.get("Content-Length", "0"))
                try:
                    query = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    self.send_error(400, "query is not JSON")
                    return
                body = json.dumps(osv.answer(query)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        return Handler


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until ``--lifetime`` seconds pass or the process is interrupted."""
    parser = argparse.ArgumentParser(prog="python -m standins.osv_server")
    parser.add_argument("--advisories", type=Path, help="JSON list of OSV records to serve")
    parser.add_argument("--lifetime", type=float, default=600.0, help="seconds before it stops")
    parser.add_argument("--fail-status", type=int, help="answer every query with this error")
    args = parser.parse_args(argv)
    records = json.loads(args.advisories.read_text()) if args.advisories else []
    stopped = threading.Event()
    with OsvServer(records, lifetime_s=args.lifetime, fail_status=args.fail_status) as osv:
        print(osv.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stopped.wait(args.lifetime)
    return 0


if __name__ == "__main__":
    sys.exit(main())
