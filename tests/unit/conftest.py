"""Fixtures shared by the unit tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from cml import _logging


@pytest.fixture
def register() -> Iterator[Callable[..., None]]:
    """`register_secrets`, with the process-wide registry put back after the test: keys a test
    registers would otherwise be masked in every later test's output."""
    saved = _logging._FILTER._secrets
    yield _logging.register_secrets
    _logging._FILTER._secrets = saved
