"""The `cml` command line; `cml.__main__` is its entry point."""

from ._main import main

__all__ = ["main"]
