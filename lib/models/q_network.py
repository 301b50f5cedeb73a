"""A Q-network from `lib` layers: an MLP or a small CNN (strided, as DeepMind's, or with 2x2 max
pooling after chosen convolutions), with an optional dueling head, giving the Q-values of every
action for a batch of observations.

It has the `params` / `forward` / `backward` contract of `lib.models`: `q, cache =
net.forward(obs)`, then `grads = net.backward(dq, cache)` with `grads` keyed and shaped like
`net.params`. The loss is not part of the network: DQN's loss and targets are in `lib.rl.dqn`.

Sources: Mnih et al. (2015), "Human-level control through deep reinforcement learning", Nature
518, Methods (the network: convolutions with strides and no pooling, then fully connected
layers, one output per action); Wang et al. (2016), "Dueling Network Architectures for Deep
Reinforcement Learning", eq. 9 (the mean-centred dueling aggregation); PyTorch's default
`nn.Linear` / `nn.Conv2d` initialization (uniform in +-1/sqrt(fan_in)).
"""

from __future__ import annotations

import copy

import numpy as np

from ..fast_layers import conv_backward_fast, conv_forward_fast, max_pool_backward_fast, max_pool_forward_fast
from ..initializers import fans, uniform_fan_in_init
from ..layers import affine_backward, affine_forward, conv_output_size, relu_backward, relu_forward

POOL_2X2 = {"pool_height": 2, "pool_width": 2, "stride": 2}

__all__ = ["QNetwork", "dueling_aggregate"]


def dueling_aggregate(value, advantages, kind: str = "mean"):
    """Q(s, a) = V(s) + A(s, a) - mean_a' A(s, a') (kind "mean", Wang et al., 2016, eq. 9) or
    Q(s, a) = V(s) + A(s, a) - max_a' A(s, a') (kind "max", eq. 8).

    value: (N, 1); advantages: (N, A); same float dtype. Returns q: (N, A). Subtracting a
    baseline makes V identifiable (adding c to V and -c to A would give the same Q otherwise): with
    the mean, V(s) is the mean of Q(s, .) over actions; with the max, V(s) is the greedy value
    max_a Q(s, a). The paper found the mean steadier: the advantages only have to follow the
    changes of their mean, not of their maximum. Raises ValueError for another kind.
    """
    if kind == "mean":
        return value + advantages - advantages.mean(axis=1, keepdims=True)
    if kind == "max":
        return value + advantages - advantages.max(axis=1, keepdims=True)
    raise ValueError(f"kind must be 'mean' or 'max', got {kind!r}")


class QNetwork:
    """Q-values of every action for a batch of observations, from `lib` layers.

    obs_shape: one observation's shape: (D,) for an MLP, (C, H, W) for a CNN.
    num_actions: A >= 1, the number of outputs.
    convs: (filters, kernel, stride, pad) per convolution, each followed by ReLU; no pooling, as
        in DeepMind's network (strides shrink the image instead), unless pool_after says so.
    pool_after: 1-based numbers of the convolutions whose ReLU is followed by a 2x2 max pool with
        stride 2 (for comparing pooling with strided convolutions; 07c); () by default.
    hidden: sizes of the fully connected ReLU layers after the convolutions.
    dueling: replace the output layer by a value head (1 unit) and an advantage head (A units)
        combined by `dueling_aggregate`.
    dtype: of the parameters and Q-values (float32 for training, float64 for gradient checks).
    seed: seeds the initialization.
    Params: W1, b1, ... for the convolutions and hidden layers in order, then W_out, b_out (or
    W_value, b_value, W_adv, b_adv). Weights and biases start uniform in +-1/sqrt(fan_in)
    (`uniform_fan_in_init`, PyTorch's default): on CartPole this solved 5 of 5 seeds where He
    initialization solved 4 (docs/benchmarks.md).
    Raises ValueError if num_actions < 1, if convs are given and obs_shape is not (C, H, W), if
    pool_after names no convolution, or if a pooled feature map has an odd height or width.
    """

    def __init__(
        self,
        obs_shape,
        num_actions: int,
        hidden=(64, 64),
        convs=(),
        dueling: bool = False,
        dtype=np.float32,
        seed: int = 0,
        pool_after=(),
    ):
        self.obs_shape, self.num_actions = tuple(obs_shape), int(num_actions)
        if self.num_actions < 1:
            raise ValueError(f"num_actions must be >= 1, got {num_actions}")
        if convs and len(self.obs_shape) != 3:
            raise ValueError(f"convolutions need obs_shape (C, H, W), got {self.obs_shape}")
        self.hidden, self.dueling, self.dtype = tuple(hidden), bool(dueling), dtype
        self.conv_params = [{"stride": s, "pad": p} for (_, _, s, p) in convs]
        self.pool_after = tuple(int(i) for i in pool_after)
        if any(not 1 <= i <= len(convs) for i in self.pool_after):
            raise ValueError(f"pool_after must name convolutions 1..{len(convs)}, got {tuple(pool_after)}")
        rng = np.random.default_rng(seed)
        self.params = {}

        def add(name, w_shape, b_size):
            fan_in = fans(w_shape)[0]
            self.params[f"W{name}"] = uniform_fan_in_init(w_shape, fan_in, rng, dtype)
            self.params[f"b{name}"] = uniform_fan_in_init((b_size,), fan_in, rng, dtype)

        n = 0
        if convs:
            C, H, W = self.obs_shape
            for F, k, s, p in convs:
                n += 1
                H, W = conv_output_size(H, k, p, s, "height"), conv_output_size(W, k, p, s, "width")
                if n in self.pool_after:
                    H, W = conv_output_size(H, 2, 0, 2, "height"), conv_output_size(W, 2, 0, 2, "width")
                add(n, (F, C, k, k), F)
                C = F
            D = C * H * W
        else:
            D = int(np.prod(self.obs_shape))
        self.num_convs = len(convs)
        for M in self.hidden:
            n += 1
            add(n, (D, M), M)
            D = M
        heads = {"_value": 1, "_adv": self.num_actions} if self.dueling else {"_out": self.num_actions}
        for name, M in heads.items():
            add(name, (D, M), M)
        self.num_layers = n

    @property
    def num_params(self) -> int:
        return int(sum(p.size for p in self.params.values()))

    def copy(self) -> QNetwork:
        """An independent copy (e.g. the target network)."""
        return copy.deepcopy(self)

    def forward(self, obs):
        """obs: (N, *obs_shape). Returns q: (N, num_actions) in self.dtype, and the cache for backward.

        Raises ValueError if obs does not have the batch of obs_shape.
        """
        x = np.asarray(obs, dtype=self.dtype)
        if x.shape[1:] != self.obs_shape:
            raise ValueError(f"obs must have shape (N, {', '.join(map(str, self.obs_shape))}), got {x.shape}")
        p, caches = self.params, []
        for i in range(1, self.num_layers + 1):
            if i <= self.num_convs:
                a, c = conv_forward_fast(x, p[f"W{i}"], p[f"b{i}"], self.conv_params[i - 1])
            else:
                a, c = affine_forward(x, p[f"W{i}"], p[f"b{i}"])
            x, r = relu_forward(a)
            pool = None
            if i in self.pool_after:
                x, pool = max_pool_forward_fast(x, POOL_2X2)
            caches.append((c, r, pool))
        if self.dueling:
            v, cv = affine_forward(x, p["W_value"], p["b_value"])
            adv, ca = affine_forward(x, p["W_adv"], p["b_adv"])
            return dueling_aggregate(v, adv), (caches, (cv, ca))
        q, co = affine_forward(x, p["W_out"], p["b_out"])
        return q, (caches, co)

    def q_values(self, obs) -> np.ndarray:
        """Just the Q-values (N, num_actions), no cache."""
        return self.forward(obs)[0]

    def backward(self, dq, cache) -> dict:
        """dq: (N, num_actions) gradient of the loss w.r.t. q. Returns grads with params' keys and shapes."""
        caches, head = cache
        grads = {}
        if self.dueling:
            cv, ca = head
            dv = dq.sum(axis=1, keepdims=True)  # V feeds every action's Q
            dadv = dq - dq.mean(axis=1, keepdims=True)  # d/dA_j of (A_k - mean A)
            dx, grads["W_value"], grads["b_value"] = affine_backward(dv, cv)
            dx2, grads["W_adv"], grads["b_adv"] = affine_backward(dadv, ca)
            dx = dx + dx2
        else:
            dx, grads["W_out"], grads["b_out"] = affine_backward(dq, head)
        for i in range(self.num_layers, 0, -1):
            c, r, pool = caches[i - 1]
            if pool is not None:
                dx = max_pool_backward_fast(dx, pool)
            da = relu_backward(dx, r)
            if i <= self.num_convs:  # the first layer's dx (w.r.t. the observation) is never needed
                dx, grads[f"W{i}"], grads[f"b{i}"] = conv_backward_fast(da, c, compute_dx=i > 1)
            else:
                dx, grads[f"W{i}"], grads[f"b{i}"] = affine_backward(da, c)
        return grads
