"""Graded checks, one per exercise: ``checks.<exercise>(student_function)``.

Each prints one green line when everything agrees, or raises `CheckFailed` (an AssertionError)
whose message names what differs and the likely mistake. Checks for every assignment live in one
flat namespace, so exercise names are unique across the course.
"""

from . import cnn_layers as _cnn
from . import dqn as _dqn
from . import lenet as _lenet
from . import linear_classifiers as _lc
from . import linear_regression as _lr
from . import q_learning as _ql
from .cnn_layers import *  # noqa: F401,F403  (04)
from .core import Check, CheckFailed
from .dqn import *  # noqa: F401,F403  (07)
from .lenet import *  # noqa: F401,F403  (05)
from .linear_classifiers import *  # noqa: F401,F403  (02 SVM, 03 softmax)
from .linear_regression import *  # noqa: F401,F403  (01)
from .q_learning import *  # noqa: F401,F403  (06)

__all__ = [
    "Check",
    "CheckFailed",
    *_lr.__all__,
    *_lc.__all__,
    *_cnn.__all__,
    *_lenet.__all__,
    *_ql.__all__,
    *_dqn.__all__,
]
