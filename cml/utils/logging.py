"""`configure_logging`, at the path upstream code imports it from."""

from .._logging import configure_logging

__all__ = ["configure_logging"]
