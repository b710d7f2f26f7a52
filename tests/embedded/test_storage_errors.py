"""A store that cannot be written says so, with its path, as a typed error (issue 11, 9)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from cml.engine.engine import Engine
from cml.exceptions import StorageError

# Root ignores permissions; the immutable attribute stops root too.
_ROOT = os.geteuid() == 0
pytestmark = pytest.mark.skipif(
    _ROOT and shutil.which("chattr") is None, reason="no way to make a file read-only for root"
)


def _read_only(path: Path) -> None:
    if _ROOT:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    else:
        path.chmod(stat.S_IRUSR | stat.S_IXUSR if path.is_dir() else stat.S_IRUSR)


def _writable(path: Path) -> None:
    if _ROOT:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    path.chmod(stat.S_IRWXU)


def test_a_read_only_store_still_reads_and_refuses_writes_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    db = folder / "memory.db"
    with Engine(db, embedder="none") as engine:
        engine.write("t", "The user likes jasmine tea.")
    # Out of WAL mode, as a copied or archived store is: then no side files are needed to read.
    with sqlite3.connect(db) as plain:
        plain.execute("PRAGMA journal_mode=DELETE")
    _read_only(db)
    try:
        with Engine(db, embedder="none") as engine:
            assert engine.read("t", "jasmine").memories
            with pytest.raises(StorageError, match="read-only") as raised:
                engine.write("t", "Another memory.")
            assert str(db) in str(raised.value)
            assert raised.value.__cause__ is None
    finally:
        _writable(db)


def test_a_store_in_a_read_only_folder_fails_with_its_path(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    _read_only(folder)
    try:
        with pytest.raises(StorageError) as raised:
            Engine(folder / "memory.db", embedder="none")
        assert str(folder / "memory.db") in str(raised.value)
    finally:
        _writable(folder)


def test_a_full_disk_is_a_typed_error_and_loses_nothing(tmp_path: Path) -> None:
    with Engine(tmp_path / "memory.db", embedder="none") as engine:
        engine.write("t", "The user likes jasmine tea.")
        # SQLite's own "database or disk is full", as a full disk gives it: no room for a page.
        pages = engine.store.db.execute("PRAGMA page_count").fetchone()[0]
        engine.store.db.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StorageError, match="full") as raised:
            engine.write("t", "A long new memory. " * 2000)
        assert raised.value.__cause__ is None
        assert [m.text for m in engine.read("t", "tea").memories] == ["The user likes jasmine tea."]
