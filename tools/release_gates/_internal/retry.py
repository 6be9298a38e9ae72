# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Bounded retries with exponential backoff and jitter (stamina), for talking to package indexes.

Inside an attempt, a caller raises :class:`Transient` for a failure worth retrying
(an index answering 5xx, a reset); anything else ends the retries at once.
A :class:`RetryPolicy` bounds both the number of attempts and the total time,
so a gate that retries still ends in a predictable time. stamina does the
retrying: the wait before retry ``n`` is
``min(max_delay_s, base_delay_s * 2**(n-1) + uniform(0, base_delay_s))``, so
clients spread out instead of retrying in lockstep. The time budget is checked
after each failed attempt (stamina's ``timeout``): a retry never *starts* after
``max_total_s``, and the last wait ends at most ``max_delay_s`` past it.

stamina replaced a home-made backoff loop (72 lines). The difference measured
against it: the old loop refused a wait that would overrun the budget, stamina
checks the budget after each attempt; and the old jitter was ``[d/2, d]``,
stamina's is ``d + [0, base]``. Neither changes what a gate decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import stamina
import stamina.instrumentation


class Transient(Exception):
    """A failure worth retrying; its message says what failed and why (it is logged)."""

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(f"{what} (last: {reason})")
        self.reason = reason


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry: at most ``attempts`` tries within ``max_total_s``."""

    attempts: int = 5
    base_delay_s: float = 2.0
    max_delay_s: float = 60.0
    max_total_s: float = 600.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.base_delay_s < 0 or self.max_delay_s < 0 or self.max_total_s <= 0:
            raise ValueError("delays must be non-negative and max_total_s positive")


def attempts(
    policy: RetryPolicy, on: type[Exception] | tuple[type[Exception], ...]
) -> Iterator[stamina.Attempt]:
    """stamina's attempts under ``policy``, retrying when the block raises ``on``.

    ``for attempt in attempts(policy, Transient): with attempt: ...``: the block
    is run again after a wait while it raises ``on``; once the attempts or the
    time are used up, the last exception propagates. Any other exception
    propagates at once.
    """
    return iter(
        stamina.retry_context(
            on=on,
            attempts=policy.attempts,
            timeout=policy.max_total_s,
            wait_initial=policy.base_delay_s,
            wait_max=policy.max_delay_s,
            wait_jitter=policy.base_delay_s,
            wait_exp_base=2,
        )
    )


def log_retries(log: Callable[[str], None]) -> None:
    """Report every scheduled retry through ``log`` (instead of stamina's default logger).

    The line names the wait and the exception that caused it, whose message
    should say what is retried and why.
    """

    def hook(details: stamina.instrumentation.RetryDetails) -> None:
        log(f"retrying in {details.wait_for:.1f} s: {details.caused_by}")

    stamina.instrumentation.set_on_retry_hooks([hook])
