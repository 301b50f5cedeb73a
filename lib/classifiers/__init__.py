"""Linear classifiers: multiclass SVM and softmax losses, and SGD training (CS231n assignment 1).

The softmax function itself is `lib.classifiers.softmax.softmax`; it is not re-exported here,
where its name would hide the `softmax` module.
"""

from .linear_classifier import LinearClassifier, LinearSVM, Softmax
from .linear_svm import svm_loss_naive, svm_loss_vectorized
from .softmax import softmax_loss_naive, softmax_loss_vectorized

__all__ = [
    "LinearClassifier",
    "LinearSVM",
    "Softmax",
    "svm_loss_naive",
    "svm_loss_vectorized",
    "softmax_loss_naive",
    "softmax_loss_vectorized",
]
