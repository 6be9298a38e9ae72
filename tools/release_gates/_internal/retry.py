# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Bounded exponential backoff with jitter, for talking to package indexes.

A :class:`RetryPolicy` bounds both the number of attempts and the total time,
so a gate that retries still ends in a predictable time. The delay before
attempt ``n + 1`` is drawn from ``[d/2, d]`` with ``d = min(max_delay, base_delay * 2**(n-1))``
("equal jitter"): spread out, so many clients do not retry in lockstep, yet
never so short that the retry hits the same outage.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass


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

    def delay_before(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before ``attempt`` (2, 3, ...): exponential, capped, jittered."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 2))
        return float(ceiling / 2 + rng.uniform(0, ceiling / 2))


@dataclass
class Attempts:
    """Iterate over attempt numbers, sleeping with backoff between them.

    ``for attempt in Attempts(policy): ...`` yields 1, 2, ... and stops when the
    attempts are used up or the next delay would overrun ``max_total_s``; the
    loop body ``break``s on success. ``on_wait(attempt, delay)`` is called before
    each sleep so the caller can log the retry.
    """

    policy: RetryPolicy
    on_wait: Callable[[int, float], None] | None = None
    rng: random.Random | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    last_attempt: int = 0
    exhausted_by_time: bool = False

    def __iter__(self) -> Iterator[int]:
        rng = self.rng or random.SystemRandom()
        start = self.clock()
        for attempt in range(1, self.policy.attempts + 1):
            if attempt > 1:
                delay = self.policy.delay_before(attempt, rng)
                if self.clock() - start + delay > self.policy.max_total_s:
                    self.exhausted_by_time = True
                    return
                if self.on_wait is not None:
                    self.on_wait(attempt, delay)
                self.sleep(delay)
            self.last_attempt = attempt
            yield attempt
