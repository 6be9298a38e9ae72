# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""``${env:NAME}`` / ``${env:NAME:-default}`` interpolation."""

from __future__ import annotations

import pytest

from duckalog.interpolation import InterpolationError, interpolate

ENV = {"HOME_DIR": "/home/duck", "EMPTY": "", "KEY": "AKIA123"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("${env:HOME_DIR}/data", "/home/duck/data"),
        ("${env:KEY}-${env:KEY}", "AKIA123-AKIA123"),
        ("${env:MISSING:-fallback}", "fallback"),
        ("${env:MISSING:-}", ""),
        ("${env:EMPTY:-used when empty}", "used when empty"),
        ("${env:EMPTY}", ""),
        ("${env:HOME_DIR:-ignored}", "/home/duck"),
        ("cost $5", "cost $5"),
        ("$${env:KEY}", "${env:KEY}"),
    ],
)
def test_interpolates(text: str, expected: str) -> None:
    assert interpolate(text, ENV) == expected


def test_unset_variable_is_named() -> None:
    with pytest.raises(InterpolationError, match="DUCKALOG_NOT_SET is not set"):
        interpolate("${env:DUCKALOG_NOT_SET}", ENV)


@pytest.mark.parametrize("text", ["${env:A-B}", "${HOME}", "${env:}", "${env:KEY"])
def test_malformed_reference(text: str) -> None:
    with pytest.raises(InterpolationError, match="malformed reference"):
        interpolate(text, ENV)


def test_substituted_values_are_not_rescanned() -> None:
    assert interpolate("${env:X}", {"X": "${env:KEY}"}) == "${env:KEY}"
