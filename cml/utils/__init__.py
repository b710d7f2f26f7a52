"""Helpers kept at the paths upstream code imports them from."""
