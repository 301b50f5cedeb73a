"""Graded checks, one per exercise: ``checks.<exercise>(student_function)``.

Each prints one green line when everything agrees, or raises `CheckFailed` (an AssertionError)
whose message names what differs and the likely mistake. Checks for every assignment live in one
flat namespace, so exercise names are unique across the course.
"""

from . import batchnorm_dropout as _bn
from . import cnn_layers as _cnn
from . import dqn as _dqn
from . import dqn_catch as _catch
from . import function_approximation as _fa
from . import lenet as _lenet
from . import linear_classifiers as _lc
from . import linear_regression as _lr
from . import q_learning as _ql
from . import two_layer_net as _tln
from .batchnorm_dropout import *  # noqa: F401,F403  (04 batch norm and dropout)
from .cnn_layers import *  # noqa: F401,F403  (04)
from .core import Check, CheckFailed
from .dqn import *  # noqa: F401,F403  (07)
from .dqn_catch import *  # noqa: F401,F403  (07 Catch from pixels)
from .fallback import NotFinished, student_or_reference
from .function_approximation import *  # noqa: F401,F403  (06 function approximation)
from .lenet import *  # noqa: F401,F403  (05)
from .linear_classifiers import *  # noqa: F401,F403  (02 SVM, 03 softmax)
from .linear_regression import *  # noqa: F401,F403  (01)
from .q_learning import *  # noqa: F401,F403  (06)
from .two_layer_net import *  # noqa: F401,F403  (03 two-layer network)

__all__ = [
    "Check",
    "CheckFailed",
    "NotFinished",
    "student_or_reference",
    *_lr.__all__,
    *_lc.__all__,
    *_tln.__all__,
    *_cnn.__all__,
    *_bn.__all__,
    *_lenet.__all__,
    *_ql.__all__,
    *_fa.__all__,
    *_dqn.__all__,
    *_catch.__all__,
]
