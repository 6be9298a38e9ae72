# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Write and verify ``SHA256SUMS`` files (the ``sha256sum`` format).

The build gate writes ``dist/SHA256SUMS``; the verify gate and users check it
(``sha256sum -c SHA256SUMS`` works too). Each line is ``<64 hex>  <file name>``,
sorted by name, LF line endings. Only plain names of files beside ``SHA256SUMS``
are allowed, so a checksum file can never point outside its directory.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from release_gates.problems import GateFailure, Problem

SUMS_NAME = "SHA256SUMS"
# Distribution files a SHA256SUMS next to them must cover.
DIST_SUFFIXES = (".whl", ".tar.gz")

_LINE = re.compile(r"^(?P<digest>[0-9a-fA-F]{64}) (?P<mode>[ *])(?P<name>.+)$")
_CHUNK = 1 << 20

SUMS_MISSING = Problem(
    "checksums.sums-missing",
    "{path} does not exist or cannot be read: {error}",
    "Run the build gate (`scripts/nox -s build`), which writes dist/SHA256SUMS, "
    "or download SHA256SUMS from the release next to the files.",
)
SUMS_EMPTY = Problem(
    "checksums.sums-empty",
    "{path} lists no files",
    "Rebuild with `scripts/nox -s build`; a release's SHA256SUMS lists both dists.",
)
MALFORMED_LINE = Problem(
    "checksums.malformed-line",
    "{path} line {line}: {text!r} is not `<64 hex digits>  <file name>`",
    "SHA256SUMS was edited or truncated; regenerate it with `scripts/nox -s build`.",
)
UNSAFE_NAME = Problem(
    "checksums.unsafe-name",
    "{path} line {line}: {name!r} is not a plain file name beside SHA256SUMS",
    "A checksum file may only name files in its own directory; do not trust this one.",
)
DUPLICATE_ENTRY = Problem(
    "checksums.duplicate-entry",
    "{name} is listed {count} times in {path}",
    "SHA256SUMS was edited by hand; regenerate it with `scripts/nox -s build`.",
)
FILE_MISSING = Problem(
    "checksums.file-missing",
    "{name} is listed in {path} but is not there",
    "Download every file of the release into the directory of SHA256SUMS, or rebuild.",
)
DIGEST_MISMATCH = Problem(
    "checksums.digest-mismatch",
    "{name} has sha256 {actual}, but {path} says {expected}",
    "The file changed after SHA256SUMS was written: do not release or install it. "
    "Rebuild with `scripts/nox -s build` or download it again from the release.",
)
UNLISTED_DIST = Problem(
    "checksums.unlisted-dist",
    "{name} is in {directory} but not listed in {path}",
    "Every wheel and sdist beside SHA256SUMS must be listed; remove stray files and "
    "rebuild with `scripts/nox -s build`.",
)
BAD_INPUT = Problem(
    "checksums.bad-input",
    "cannot list {name} in SHA256SUMS: {reason}",
    "Pass names of regular files that are inside the dist directory.",
)


def sha256_file(path: Path) -> str:
    """The hex sha256 of the file at ``path``, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_sha256sums(dist_dir: Path, files: Iterable[Path | str]) -> Path:
    """Write ``dist_dir/SHA256SUMS`` for ``files`` (names or paths inside ``dist_dir``).

    Lines are sorted by file name so the output is deterministic. Raises
    :class:`GateFailure` (``checksums.bad-input``) for a file that is not a
    regular file directly inside ``dist_dir``.
    """
    dist_dir = Path(dist_dir)
    names: set[str] = set()
    for entry in files:
        name = Path(entry).name
        candidate = dist_dir / name
        # A bare name means a file in dist_dir; a path must point into dist_dir itself.
        if str(entry) != name and Path(entry).resolve() != candidate.resolve():
            raise GateFailure(BAD_INPUT, name=str(entry), reason=f"it is not in {dist_dir}")
        if not candidate.is_file():
            raise GateFailure(BAD_INPUT, name=str(entry), reason="no such regular file")
        if name == SUMS_NAME:
            raise GateFailure(BAD_INPUT, name=name, reason="SHA256SUMS cannot list itself")
        names.add(name)
    if not names:
        raise GateFailure(BAD_INPUT, name="(nothing)", reason="no files given")
    lines = [f"{sha256_file(dist_dir / name)}  {name}\n" for name in sorted(names)]
    target = dist_dir / SUMS_NAME
    target.write_text("".join(lines), encoding="utf-8", newline="\n")
    return target


def parse_sha256sums(text: str, source: str) -> tuple[dict[str, str], list[GateFailure]]:
    """Parse ``SHA256SUMS`` text into ``{file name: lowercase hex digest}`` and its problems.

    ``source`` (a path or URL) names the file in the problems. Every line must be
    ``<64 hex>  <plain file name>``; blank lines are allowed, nothing else is.
    """
    problems: list[GateFailure] = []
    entries: dict[str, str] = {}
    counts: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        match = _LINE.match(raw)
        if match is None:
            problems.append(GateFailure(MALFORMED_LINE, path=source, line=number, text=raw))
            continue
        name = match["name"]
        if name in (".", "..") or "/" in name or "\\" in name or name != name.strip():
            problems.append(GateFailure(UNSAFE_NAME, path=source, line=number, name=name))
            continue
        counts[name] = counts.get(name, 0) + 1
        entries[name] = match["digest"].lower()
    for name, count in sorted(counts.items()):
        if count > 1:
            problems.append(GateFailure(DUPLICATE_ENTRY, name=name, count=count, path=source))
    if not entries and not problems:
        problems.append(GateFailure(SUMS_EMPTY, path=source))
    return entries, problems


def read_sha256sums(path: Path) -> tuple[dict[str, str], list[GateFailure]]:
    """Parse the file at ``path`` (see :func:`parse_sha256sums`); unreadable is a problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return {}, [GateFailure(SUMS_MISSING, path=str(path), error=str(error))]
    return parse_sha256sums(text, str(path))


def load_sha256sums(path: Path) -> dict[str, str]:
    """``{file name: sha256}`` of the file at ``path``; raises its first problem, if any.

    The strict reader for anyone who shows or trusts the listed digests without
    re-hashing the files (the reports): a malformed file is never half-read.
    """
    entries, problems = read_sha256sums(path)
    if problems:
        raise problems[0]
    return entries


def verify_sha256sums(path: Path) -> list[GateFailure]:
    """Check every file listed in the ``SHA256SUMS`` at ``path``; return the problems.

    An empty list means: the file parsed, every listed file exists beside it
    with the listed sha256, and every wheel or sdist beside it is listed. Each
    problem is a :class:`GateFailure` carrying its :class:`Problem` (one per
    failure kind), so a gate can raise the first or report them all.
    """
    path = Path(path)
    entries, problems = read_sha256sums(path)
    directory = path.parent
    for name, expected in sorted(entries.items()):
        target = directory / name
        if not target.is_file():
            problems.append(GateFailure(FILE_MISSING, name=name, path=str(path)))
            continue
        actual = sha256_file(target)
        if actual != expected:
            problems.append(
                GateFailure(
                    DIGEST_MISMATCH, name=name, path=str(path), actual=actual, expected=expected
                )
            )
    if entries and directory.is_dir():
        for candidate in sorted(directory.iterdir()):
            if candidate.name.endswith(DIST_SUFFIXES) and candidate.name not in entries:
                problems.append(
                    GateFailure(
                        UNLISTED_DIST, name=candidate.name, directory=str(directory), path=str(path)
                    )
                )
    return problems
