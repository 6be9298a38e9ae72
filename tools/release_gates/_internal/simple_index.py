# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""A small read-only client of a package index's simple API (PEP 503 HTML and PEP 691 JSON).

It answers the two questions the publish gate asks an index: which files does
the project have, with which sha256 (:func:`project_files`), and what are the
bytes the index actually serves (:func:`served_sha256`). It asks for PEP 691
JSON and falls back to PEP 503 HTML (pypiserver only speaks HTML). Environment
proxies are ignored on purpose: the gate talks to exactly the URL it was given.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
ACCEPT = f"{JSON_TYPE}, text/html;q=0.1"

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class IndexFile:
    """One file the index lists for a project, with the sha256 the index declares (if any)."""

    filename: str
    url: str
    sha256: str | None


class IndexReadError(Exception):
    """The index could not be read. ``retryable`` for 5xx, 429, resets and timeouts."""

    def __init__(self, url: str, reason: str, retryable: bool) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.retryable = retryable


def normalize(name: str) -> str:
    """PEP 503 normalized project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def project_url(simple_url: str, project: str) -> str:
    """URL of ``project``'s page under the simple index ``simple_url``."""
    base = simple_url if simple_url.endswith("/") else simple_url + "/"
    return urllib.parse.urljoin(base, normalize(project) + "/")


def _open(url: str, timeout: float, accept: str | None = None) -> Any:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})  # noqa: S310
    try:
        return _OPENER.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        error.close()  # it holds the response and its socket
        retryable = error.code >= 500 or error.code == 429
        raise IndexReadError(url, f"HTTP {error.code} {error.reason}", retryable) from error
    except (urllib.error.URLError, socket.timeout, ConnectionError, OSError) as error:
        raise IndexReadError(url, f"unreachable ({error})", retryable=True) from error


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None


def _from_html(page_url: str, html: str) -> dict[str, IndexFile]:
    parser = _LinkParser()
    parser.feed(html)
    files: dict[str, IndexFile] = {}
    for href, text in parser.links:
        absolute, fragment = urllib.parse.urldefrag(urllib.parse.urljoin(page_url, href))
        filename = text or urllib.parse.unquote(absolute.rsplit("/", 1)[-1])
        algo, _, digest = fragment.partition("=")
        files[filename] = IndexFile(
            filename, absolute, digest.lower() if algo == "sha256" else None
        )
    return files


def _from_json(page_url: str, data: Any) -> dict[str, IndexFile]:
    files: dict[str, IndexFile] = {}
    for entry in data.get("files", []):
        sha256 = entry.get("hashes", {}).get("sha256")
        files[entry["filename"]] = IndexFile(
            entry["filename"],
            urllib.parse.urljoin(page_url, entry["url"]),
            sha256.lower() if sha256 else None,
        )
    return files


def project_files(simple_url: str, project: str, timeout: float = 15.0) -> dict[str, IndexFile]:
    """Files the index lists for ``project`` by filename; empty if the project does not exist."""
    url = project_url(simple_url, project)
    try:
        response = _open(url, timeout, ACCEPT)
    except IndexReadError as error:
        if "HTTP 404" in error.reason:
            return {}
        raise
    with response:
        try:
            body = response.read()
        except (socket.timeout, ConnectionError, OSError) as error:
            raise IndexReadError(url, f"read failed ({error})", retryable=True) from error
        content_type = response.headers.get("Content-Type", "")
        final_url = response.geturl()
    try:
        if content_type.startswith(JSON_TYPE):
            return _from_json(final_url, json.loads(body))
        return _from_html(final_url, body.decode("utf-8"))
    except (ValueError, KeyError, AttributeError) as error:
        raise IndexReadError(
            url, f"unparsable simple API page ({error})", retryable=False
        ) from error


def served_sha256(url: str, timeout: float = 60.0) -> str:
    """sha256 of the bytes the index serves at ``url`` (downloaded, not taken from the page)."""
    digest = hashlib.sha256()
    with _open(url, timeout) as response:
        try:
            for chunk in iter(lambda: response.read(1 << 16), b""):
                digest.update(chunk)
        except (socket.timeout, ConnectionError, OSError) as error:
            raise IndexReadError(url, f"download failed ({error})", retryable=True) from error
    return digest.hexdigest()
