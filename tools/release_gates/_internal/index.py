# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Reading a package index's simple API, with pypi-simple, for the index check.

Two questions are asked of an index (PyPI, TestPyPI, the rehearsal's pypiserver):
which files does a project have, with which declared sha256, yank state and
provenance (:func:`project_page`), and what bytes does it really serve
(:func:`served_sha256`). pypi-simple speaks both PEP 691 JSON and PEP 503 HTML
(pypiserver only speaks HTML) and reads PEP 700 ``versions`` and PEP 740
provenance URLs. The requests session ignores environment proxies and netrc
(``trust_env = False``): the gates talk to exactly the URL they were given. It
does trust the CA bundle the environment names for requests
(``REQUESTS_CA_BUNDLE``, else ``CURL_CA_BUNDLE``): behind a TLS-inspecting proxy
that bundle is the only way to reach PyPI at all (the reader this one replaced
used the system's trust store, and issue 11's version check reads PyPI).

pypi-simple replaced a home-made client of about 150 lines. Measured on this
machine against a loopback index (one project page, two files, 200 reads):
0.37 s more to import (requests, pydantic), 3.7 ms instead of 1.0 ms per page;
both negligible beside a gate's twine and pip runs, so the library is used.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pypi_simple
import requests

_CHUNK = 1 << 16


@dataclass(frozen=True)
class IndexFile:
    """One file an index lists for a project.

    ``sha256`` is what the index declares (lowercase hex), None when it declares
    none; ``yanked`` is the yank reason (``""`` when yanked without one), None
    when not yanked; ``provenance_url`` is the PEP 740 provenance, if listed.
    """

    filename: str
    url: str
    version: str | None
    sha256: str | None
    yanked: str | None = None
    provenance_url: str | None = None


@dataclass(frozen=True)
class ProjectPage:
    """A project's files on an index by file name, and its versions (PEP 700, if given)."""

    files: dict[str, IndexFile]
    versions: tuple[str, ...]


class IndexReadError(Exception):
    """The index could not be read. ``retryable`` for 5xx, 429, resets and timeouts."""

    def __init__(self, url: str, reason: str, retryable: bool) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.retryable = retryable


# requests' own variables for a CA bundle, in its order (trust_env=False skips them).
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


def session(env: Mapping[str, str] | None = None) -> requests.Session:
    """A requests session that uses no proxy or netrc from the environment (``os.environ``
    unless ``env``), only the CA bundle it names, if any."""
    env = os.environ if env is None else env
    new = requests.Session()
    new.trust_env = False
    bundle = next((env[name] for name in CA_BUNDLE_VARIABLES if env.get(name)), None)
    if bundle:
        new.verify = bundle
    return new


@contextmanager
def _reading(url: str) -> Iterator[None]:
    """Turn whatever reading ``url`` raised into an :class:`IndexReadError`."""
    try:
        yield
    except requests.HTTPError as error:
        code = error.response.status_code if error.response is not None else 0
        retryable = code >= 500 or code == 429
        raise IndexReadError(url, f"HTTP {code} {error}", retryable) from error
    except (requests.ConnectionError, requests.Timeout) as error:
        raise IndexReadError(url, f"unreachable ({error})", retryable=True) from error
    except (pypi_simple.UnsupportedContentTypeError, ValueError, KeyError) as error:
        raise IndexReadError(url, f"not a simple API page ({error})", retryable=False) from error
    except requests.RequestException as error:
        raise IndexReadError(url, f"cannot read ({error})", retryable=False) from error


def _index_file(package: Any) -> IndexFile:
    sha256 = package.digests.get("sha256")
    return IndexFile(
        filename=package.filename,
        url=package.url,
        version=package.version,
        sha256=sha256.lower() if sha256 else None,
        yanked=(package.yanked_reason or "") if package.is_yanked else None,
        provenance_url=package.provenance_url,
    )


def project_page(simple_url: str, project: str, timeout: float = 15.0) -> ProjectPage:
    """``project``'s page under the simple index ``simple_url``; empty if it does not exist."""
    base = simple_url if simple_url.endswith("/") else simple_url + "/"
    with pypi_simple.PyPISimple(base, session=session()) as client:
        url = client.get_project_url(project)
        with _reading(url):
            try:
                page = client.get_project_page(project, timeout=timeout)
            except pypi_simple.NoSuchProjectError:
                return ProjectPage({}, ())
    files = {package.filename: _index_file(package) for package in page.packages}
    return ProjectPage(files, tuple(page.versions or ()))


def project_files(simple_url: str, project: str, timeout: float = 15.0) -> dict[str, IndexFile]:
    """Files the index lists for ``project`` by file name; empty if the project does not exist."""
    return project_page(simple_url, project, timeout).files


def served_sha256(url: str, timeout: float = 60.0) -> str:
    """sha256 of the bytes the index serves at ``url`` (downloaded, not taken from the page)."""
    digest = hashlib.sha256()
    with (
        session() as client,
        _reading(url),
        client.get(url, timeout=timeout, stream=True) as response,
    ):
        response.raise_for_status()
        for chunk in response.iter_content(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_json(url: str, timeout: float = 30.0) -> Any:
    """The JSON document at ``url`` (a PEP 740 provenance file)."""
    with session() as client, _reading(url):
        response = client.get(url, timeout=timeout, headers={"Accept": "application/json"})
        response.raise_for_status()
        return response.json()
