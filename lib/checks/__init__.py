"""Graded checks, one per exercise: ``checks.<exercise>(student_function)``.

Each prints one green line when everything agrees, or raises `CheckFailed` (an AssertionError)
whose message names what differs and the likely mistake. Checks for every assignment live in one
flat namespace, so exercise names are unique across the course.
"""
from .core import Check, CheckFailed
from .linear_regression import *  # noqa: F401,F403
from . import linear_regression as _lr

__all__ = ["Check", "CheckFailed", *_lr.__all__]
