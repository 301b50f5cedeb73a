"""Checks of 07_dqn/dqn_catch.ipynb (to be written)."""

__all__: list[str] = []
