"""Models built from `lib` layers, with CS231n's interface: `params` and `loss(X, y=None)`."""
from .lenet import LeNet5

__all__ = ["LeNet5"]
