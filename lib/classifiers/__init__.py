"""Linear classifiers (multiclass SVM and softmax losses, SGD training) and the two-layer network
(CS231n assignment 1).

The softmax function itself is `lib.classifiers.softmax.softmax`; it is not re-exported here,
where its name would hide the `softmax` module.
"""

from .linear_classifier import LinearClassifier, LinearSVM, Softmax
from .linear_svm import svm_loss_naive, svm_loss_vectorized
from .neural_net import TwoLayerNet, two_layer_forward, two_layer_loss, two_layer_predict, two_layer_train
from .softmax import softmax_loss_naive, softmax_loss_vectorized

__all__ = [
    "LinearClassifier",
    "LinearSVM",
    "Softmax",
    "TwoLayerNet",
    "svm_loss_naive",
    "svm_loss_vectorized",
    "softmax_loss_naive",
    "softmax_loss_vectorized",
    "two_layer_forward",
    "two_layer_loss",
    "two_layer_predict",
    "two_layer_train",
]
