"""Deep Q-learning (DQN) with the Double DQN and prioritized replay extensions, on the course's
own layers and optimizer.

The pieces, top to bottom: the Huber loss, TD targets (vanilla and Double DQN), the loss and
gradients of one minibatch, gradient clipping and target-network updates, an epsilon schedule,
and one epsilon-greedy environment step into the replay buffer. Elsewhere: `lib.rl.agent.DQNAgent`
runs them in a loop; the Q-network (MLP or CNN, optional dueling head) is `lib.models.QNetwork`;
the replay buffers are in `lib.rl.replay`; greedy evaluation is `lib.rl.evaluation.evaluate`.

Sources: Mnih et al. (2015), "Human-level control through deep reinforcement learning", Nature
518 (DQN: replay, a target network updated every C steps, the Huber-clipped error); van Hasselt,
Guez & Silver (2016), "Deep Reinforcement Learning with Double Q-learning" (eq. 4); Schaul et al.
(2016), "Prioritized Experience Replay"; Lillicrap et al. (2016), "Continuous control with deep
reinforcement learning" (soft target updates); Hong Xingxing, "DQN" slides (2018), on DQN and
its CartPole variants.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from ..models import QNetwork
from .replay import Batch, ReplayBuffer

__all__ = [
    "huber_loss",
    "td_targets",
    "double_dqn_targets",
    "dqn_loss",
    "clip_grad_norm",
    "hard_update",
    "soft_update",
    "linear_schedule",
    "collect_transition",
]


# -- loss and targets --------------------------------------------------------------------------
def huber_loss(x, y, weights=None, delta: float = 1.0):
    """Huber (smooth L1) loss, averaged over the batch, and its gradient.

    h(d) = d^2 / 2 for |d| <= delta, delta * (|d| - delta / 2) beyond: quadratic near zero,
    linear in the tails, so one large TD error cannot produce a huge step (Mnih et al., 2015,
    clip the error term to [-1, 1], which is this loss's gradient with delta = 1).
    x: (N,) predictions; y: (N,) targets; weights: (N,) importance weights or None (all 1).
    Returns loss = mean_i weights_i * h(x_i - y_i) and dx: (N,), with dh/dd = d inside and
    delta * sign(d) outside. Raises ValueError on mismatched shapes.
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"x and y must be (N,) arrays of the same shape, got {x.shape} and {y.shape}")
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=x.dtype)
    d = x - y
    inside = np.abs(d) <= delta
    losses = np.where(inside, 0.5 * d * d, delta * (np.abs(d) - 0.5 * delta))
    dd = np.where(inside, d, delta * np.sign(d))
    N = x.shape[0]
    return float(np.sum(w * losses) / N), w * dd / N


def _check_targets(rewards, terminated, q_next, gamma, name):
    if not 0 <= gamma <= 1:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    if q_next.ndim != 2 or rewards.shape != (q_next.shape[0],) or terminated.shape != rewards.shape:
        raise ValueError(
            f"{name}: rewards and terminated must be (N,) and Q-values (N, A), got "
            f"{rewards.shape}, {terminated.shape}, {q_next.shape}"
        )


def td_targets(rewards, terminated, q_next_target, gamma: float):
    """DQN targets y = r + gamma * max_a' Q_target(s', a'), and y = r where the episode terminated.

    rewards: (N,); terminated: (N,) bool; q_next_target: (N, A) the target network's Q-values of
    the next observations; gamma in [0, 1]. Returns y: (N,). Truncated transitions are stored as
    not terminated, so they bootstrap (the state was not an end, only the clock ran out).
    """
    rewards, terminated, q_next_target = np.asarray(rewards), np.asarray(terminated), np.asarray(q_next_target)
    _check_targets(rewards, terminated, q_next_target, gamma, "td_targets")
    return rewards + gamma * np.where(terminated, 0.0, q_next_target.max(axis=1))


def double_dqn_targets(rewards, terminated, q_next_online, q_next_target, gamma: float):
    """Double DQN targets (van Hasselt et al., 2016, eq. 4): the online network picks the next
    action, the target network values it: y = r + gamma * Q_target(s', argmax_a' Q_online(s', a')).

    Shapes as `td_targets`, with q_next_online: (N, A). Returns y: (N,). Decoupling selection
    from evaluation removes the upward bias of taking the max over noisy estimates.
    """
    rewards, terminated = np.asarray(rewards), np.asarray(terminated)
    q_next_online, q_next_target = np.asarray(q_next_online), np.asarray(q_next_target)
    _check_targets(rewards, terminated, q_next_target, gamma, "double_dqn_targets")
    if q_next_online.shape != q_next_target.shape:
        raise ValueError(f"q_next_online {q_next_online.shape} and q_next_target {q_next_target.shape} must match")
    a_star = q_next_online.argmax(axis=1)
    chosen = q_next_target[np.arange(len(a_star)), a_star]
    return rewards + gamma * np.where(terminated, 0.0, chosen)


def dqn_loss(q_net: QNetwork, target_net: QNetwork, batch: Batch, gamma: float, double: bool = False):
    """Loss and gradients of one DQN minibatch: the default `loss_fn` of `DQNAgent`, whose contract
    is `loss_fn(q_net, target_net, batch, gamma) -> (loss, grads, td_errors)`.

    The target y comes from the target network (`td_targets`, or `double_dqn_targets` when
    double) and is a constant: no gradient flows into it. The prediction is Q(s, a) of the online
    network for the action taken; the Huber loss, weighted by batch.weights, compares the two.
    q_net, target_net: `lib.models.QNetwork`s of the same shape; batch: a `lib.rl.replay.Batch`;
    gamma in [0, 1]; double: Double DQN targets (the agent passes `functools.partial(dqn_loss,
    double=True)` as its loss_fn). Returns (loss, grads, td_errors): loss a float; grads w.r.t.
    q_net.params (same keys and shapes); td_errors = y - Q(s, a), (N,), the new priorities for
    prioritized replay. Raises ValueError (from the targets) for gamma outside [0, 1].
    """
    q_next_target = target_net.q_values(batch.next_obs)
    if double:
        y = double_dqn_targets(batch.rewards, batch.terminated, q_net.q_values(batch.next_obs), q_next_target, gamma)
    else:
        y = td_targets(batch.rewards, batch.terminated, q_next_target, gamma)
    q, cache = q_net.forward(batch.obs)
    rows = np.arange(q.shape[0])
    q_sa = q[rows, batch.actions]
    loss, dq_sa = huber_loss(q_sa, y.astype(q.dtype), batch.weights)
    dq = np.zeros_like(q)
    dq[rows, batch.actions] = dq_sa  # only the taken action's Q-value is in the loss
    return loss, q_net.backward(dq, cache), y - q_sa


# -- optimisation helpers ----------------------------------------------------------------------
def clip_grad_norm(grads: dict, max_norm: float):
    """Scale all gradients together so that their global L2 norm is at most max_norm.

    Returns (grads, norm): new dict (inputs untouched) and the norm before clipping.
    """
    if max_norm <= 0:
        raise ValueError(f"max_norm must be > 0, got {max_norm}")
    norm = float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads.values())))
    if norm <= max_norm:
        return dict(grads), norm
    scale = max_norm / (norm + 1e-6)
    return {k: g * scale for k, g in grads.items()}, norm


def hard_update(target_params: dict, params: dict) -> None:
    """theta_target <- theta (copy every value), in place (Mnih et al.: every C steps)."""
    for k, v in params.items():
        target_params[k][...] = v


def soft_update(target_params: dict, params: dict, tau: float) -> None:
    """Polyak averaging theta_target <- tau * theta + (1 - tau) * theta_target, in place.

    target_params, params: dicts of arrays with the same keys and shapes (a QNetwork's `params`);
    each target array is overwritten in place (its dtype kept), params is only read. tau in (0, 1]:
    tau = 1 copies the online values (applied after every update, that is no target network at all;
    DQN's hard copy every C steps is a different schedule); Lillicrap et al. (2016), "Continuous
    control with deep reinforcement learning", section 3, use 0.001 after every update. Raises
    ValueError for tau outside (0, 1].
    """
    if not 0 < tau <= 1:
        raise ValueError(f"tau must be in (0, 1], got {tau}")
    for k, v in params.items():
        target_params[k] *= 1 - tau
        target_params[k] += tau * v


def linear_schedule(step: int, start: float, end: float, duration: int) -> float:
    """start at step 0, moving linearly to end at step `duration`, then constant (e.g. epsilon)."""
    if duration <= 0:
        return end
    frac = min(max(step / duration, 0.0), 1.0)
    return start + frac * (end - start)


# -- acting ------------------------------------------------------------------------------------
def collect_transition(
    env: gym.Env, obs, q_net: QNetwork, epsilon: float, rng: np.random.Generator, buffer: ReplayBuffer
):
    """Take one epsilon-greedy step in env from obs and store the transition in buffer.

    With probability epsilon a uniformly random action, otherwise argmax_a Q(obs, a). The stored
    flag is `terminated` alone, and next_obs is the step's own observation even when the episode
    was truncated: that transition must still bootstrap from where the agent really was. Does not
    reset the env. Returns (next_obs, reward, terminated, truncated).
    """
    if rng.random() < epsilon:
        action = int(rng.integers(q_net.num_actions))
    else:
        action = int(np.argmax(q_net.q_values(np.asarray(obs)[None])[0]))
    next_obs, reward, terminated, truncated, _ = env.step(action)
    buffer.add(obs, action, reward, next_obs, terminated)
    return next_obs, float(reward), bool(terminated), bool(truncated)
