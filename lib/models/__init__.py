"""Models built from `lib` layers. Each keeps its parameters in `params` (a dict of arrays) and
returns gradients as a dict with the same keys and shapes.

LeNet5     image classifier with CS231n's interface: `loss(X, y=None)` returns the scores, or
           (loss, grads) when labels are given (05).
FullyConnectedNet  an MLP of any depth with optional batch norm and dropout, CS231n's interface,
           its layer functions pluggable (04 batch norm and dropout).
QNetwork   Q-values of every action (MLP or CNN, optional dueling head): `forward(obs)` returns
           (q, cache) and `backward(dq, cache)` the grads; the loss is the caller's (DQN, 07).
"""

from .fc_net import FullyConnectedNet
from .lenet import LeNet5
from .q_network import QNetwork, dueling_aggregate

__all__ = ["FullyConnectedNet", "LeNet5", "QNetwork", "dueling_aggregate"]
