# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Run twine, but with one upload request per file: ``python -m standins.twine_once upload …``.

twine re-sends a file up to five times, immediately, when the index answers
5xx (``Repository.upload(max_redirects=5)``; there is no option to change it).
Immediate retries hammer an index that is already failing, and they would hide
every 5xx from the publish gate, whose bounded backoff with jitter must be the
only retry policy. So this shim sets that default to 1 and runs twine's own
command line unchanged. twine is hash-locked; should a new version drop the
parameter, the shim refuses to run instead of silently retrying.
"""

from __future__ import annotations

import importlib
import inspect
import sys

EXIT_UNSUPPORTED_TWINE = 3


def main() -> int:
    """Patch twine's retry default to a single request, then run twine with our arguments."""
    repository = importlib.import_module("twine.repository")
    upload = repository.Repository.upload
    if list(inspect.signature(upload).parameters) != ["self", "package", "max_redirects"]:
        print("twine_once: unsupported twine: Repository.upload changed", file=sys.stderr)
        return EXIT_UNSUPPORTED_TWINE
    upload.__defaults__ = (1,)
    twine_main = importlib.import_module("twine.__main__")
    return 1 if twine_main.main() else 0


if __name__ == "__main__":
    sys.exit(main())
