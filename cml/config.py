"""Client settings (`CMLConfig`), at the path upstream code imports them from."""

from ._config import ENV_VARS, CMLConfig

__all__ = ["ENV_VARS", "CMLConfig"]
