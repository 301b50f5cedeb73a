"""Deep Q-learning (DQN) with the Double DQN and prioritized replay extensions, on the course's
own layers and optimizer.

The pieces, top to bottom: the Huber loss, TD targets (vanilla and Double DQN), the loss and
gradients of one minibatch, gradient clipping and target-network updates, an epsilon schedule,
one epsilon-greedy environment step into the replay buffer, and `DQNAgent`, which runs them in a
loop. Elsewhere: the Q-network (MLP or CNN, optional dueling head) is `lib.models.QNetwork`; the
replay buffers are in `lib.rl.replay`; greedy evaluation is `lib.rl.evaluation.evaluate`.

Sources: Mnih et al. (2015), "Human-level control through deep reinforcement learning", Nature
518 (DQN: replay, a target network updated every C steps, the Huber-clipped error); van Hasselt,
Guez & Silver (2016), "Deep Reinforcement Learning with Double Q-learning" (eq. 4); Schaul et al.
(2016), "Prioritized Experience Replay"; Lillicrap et al. (2016), "Continuous control with deep
reinforcement learning" (soft target updates); Hong Xingxing, "DQN" slides (2018), on DQN and
its CartPole variants.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import gymnasium as gym
import numpy as np
from tqdm import tqdm

from ..models import QNetwork
from ..optim import adam
from .evaluation import evaluate
from .replay import Batch, PrioritizedReplayBuffer, ReplayBuffer

__all__ = [
    "CARTPOLE",
    "huber_loss",
    "td_targets",
    "double_dqn_targets",
    "dqn_loss",
    "clip_grad_norm",
    "hard_update",
    "soft_update",
    "linear_schedule",
    "collect_transition",
    "DQNAgent",
    "History",
]


# Hyperparameters that solve CartPole-v1 here (tuned over seeds 0-9; see docs/benchmarks.md):
# a small network, bursts of 4 Adam steps every 16 env steps, the target copied every 128 steps,
# epsilon from 1 to 0.04 over the first 8,000 steps, and gamma = 0.98 (a horizon of about 50
# steps is plenty to keep a pole up, and smaller values are quicker to learn than ~1/(1-0.99) = 100).
CARTPOLE = {
    "hidden": (64, 64),
    "agent": dict(
        gamma=0.98,
        lr=2.3e-3,
        batch_size=64,
        buffer_size=50_000,
        learning_starts=1_000,
        train_freq=16,
        gradient_steps=4,
        target_update_interval=128,
        eps_start=1.0,
        eps_end=0.04,
        eps_decay_steps=8_000,
        max_grad_norm=10.0,
    ),
}


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
    """Polyak averaging theta_target <- tau * theta + (1 - tau) * theta_target, in place, tau in (0, 1]."""
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


# -- the agent ---------------------------------------------------------------------------------
@dataclass
class History:
    """What `DQNAgent.train` measured.

    episode_returns / episode_steps: return of each finished training episode and the env step
    at which it ended; eval_steps / eval_means: greedy evaluations (mean return) and when;
    solved_step: env step at which the evaluation first reached solved_return (None if never);
    losses: the loss of every update; train_seconds: wall time spent training, excluding
    evaluations.
    """

    episode_returns: list = field(default_factory=list)
    episode_steps: list = field(default_factory=list)
    eval_steps: list = field(default_factory=list)
    eval_means: list = field(default_factory=list)
    losses: list = field(default_factory=list)
    solved_step: int | None = None
    train_seconds: float = 0.0


class DQNAgent:
    """DQN with a replay buffer and a target network; Double DQN, dueling heads (through the
    q_net passed in) and prioritized replay are switches.

    env: a gymnasium env with a Box observation and a Discrete action space.
    q_net: the online QNetwork; the target network starts as its copy.
    gamma: discount; lr: Adam's learning rate; batch_size; buffer_size; learning_starts: env
    steps of pure collection before the first update; train_freq: env steps per update;
    gradient_steps: updates each time; target_update_interval: env steps between hard copies,
    or tau for soft (Polyak) updates after every update instead; eps_start, eps_end,
    eps_decay_steps: the linear epsilon schedule (exploration; kept as attributes of the same
    names); max_grad_norm: global-norm clipping; double: Double DQN targets (through the default
    loss_fn); prioritized: prioritized replay with per_alpha and beta annealed from
    per_beta_start to 1 over the training run; seed: seeds the network-independent randomness
    (exploration, sampling, env resets).
    loss_fn: `loss_fn(q_net, target_net, batch, gamma) -> (loss, grads, td_errors)`, as
    `dqn_loss` (a notebook passes the student's own). Default: `dqn_loss`, or
    `functools.partial(dqn_loss, double=True)` when double (Double DQN targets). A custom loss_fn
    computes its own targets, so it cannot be combined with double=True.
    optim_config: Adam's state, the config dict `lib.optim.adam` takes and returns (learning rate,
    then moments m, v and step count t) for all parameters laid end to end (`lib.solver.Solver`
    keeps one such dict per parameter, in `optim_configs`).
    Raises ValueError for a non-Discrete action space, a q_net whose outputs or observation
    shape do not match env, tau outside (0, 1], or double=True with a custom loss_fn.
    """

    def __init__(
        self,
        env: gym.Env,
        q_net: QNetwork,
        *,
        gamma=0.99,
        lr=1e-3,
        batch_size=64,
        buffer_size=50_000,
        learning_starts=1_000,
        train_freq=1,
        gradient_steps=1,
        target_update_interval=500,
        tau=None,
        eps_start=1.0,
        eps_end=0.05,
        eps_decay_steps=10_000,
        max_grad_norm=10.0,
        double=False,
        prioritized=False,
        per_alpha=0.6,
        per_beta_start=0.4,
        loss_fn: Callable | None = None,
        seed=0,
    ):
        if not isinstance(env.action_space, gym.spaces.Discrete):
            raise ValueError(f"DQN needs a Discrete action space, got {env.action_space}")
        if env.action_space.n != q_net.num_actions:
            raise ValueError(f"q_net has {q_net.num_actions} outputs but env has {env.action_space.n} actions")
        if tuple(env.observation_space.shape) != q_net.obs_shape:
            raise ValueError(f"q_net expects observations {q_net.obs_shape}, env gives {env.observation_space.shape}")
        if tau is not None and not 0 < tau <= 1:
            raise ValueError(f"tau must be in (0, 1] or None, got {tau}")
        if double and loss_fn is not None:
            raise ValueError(
                f"double=True picks the loss (functools.partial(dqn_loss, double=True)), but loss_fn={loss_fn!r} "
                "was given too: compute Double DQN targets inside your loss_fn and pass double=False"
            )
        self.env, self.q_net, self.target_net = env, q_net, q_net.copy()
        self.gamma, self.batch_size, self.learning_starts = gamma, batch_size, learning_starts
        self.train_freq, self.gradient_steps = train_freq, gradient_steps
        self.target_update_interval, self.tau = target_update_interval, tau
        self.eps_start, self.eps_end, self.eps_decay_steps = eps_start, eps_end, eps_decay_steps
        self.max_grad_norm, self.double, self.prioritized = max_grad_norm, double, prioritized
        self.per_beta_start = per_beta_start
        obs_shape = q_net.obs_shape
        self.buffer = (
            PrioritizedReplayBuffer(buffer_size, obs_shape, alpha=per_alpha)
            if prioritized
            else ReplayBuffer(buffer_size, obs_shape)
        )
        self.optim_config = {"learning_rate": lr}  # Adam's state for the flattened parameters
        if loss_fn is None:
            loss_fn = functools.partial(dqn_loss, double=True) if double else dqn_loss
        self.loss_fn = loss_fn
        self.seed, self.rng = seed, np.random.default_rng(seed)
        self.steps = 0

    def epsilon(self, step: int) -> float:
        """The exploration rate at env step `step` (linear from eps_start to eps_end over eps_decay_steps)."""
        return linear_schedule(step, self.eps_start, self.eps_end, self.eps_decay_steps)

    def update(self, beta: float = 0.4) -> float:
        """One gradient step on a sampled minibatch: loss, clipping, Adam, new priorities. Returns the loss."""
        if self.prioritized:
            batch = self.buffer.sample(self.batch_size, self.rng, beta)
        else:
            batch = self.buffer.sample(self.batch_size, self.rng)
        loss, grads, td_errors = self.loss_fn(self.q_net, self.target_net, batch, self.gamma)
        # Clipping and Adam on all parameters laid end to end: the same numbers as one call per
        # array (the norm is global and Adam works elementwise), with far less Python overhead.
        p = self.q_net.params
        flat_grad = clip_grad_norm({"all": np.concatenate([grads[k].ravel() for k in p])}, self.max_grad_norm)[0]["all"]
        flat, self.optim_config = adam(np.concatenate([p[k].ravel() for k in p]), flat_grad, self.optim_config)
        start = 0
        for k in p:
            p[k] = flat[start : start + p[k].size].reshape(p[k].shape)
            start += p[k].size
        if self.prioritized:
            self.buffer.update_priorities(batch.indices, td_errors)
        if self.tau is not None:
            soft_update(self.target_net.params, p, self.tau)
        return loss

    def train(
        self,
        total_steps: int,
        eval_env: gym.Env | None = None,
        eval_every: int = 2_000,
        eval_episodes: int = 20,
        solved_return: float | None = None,
        progress: bool = True,
    ) -> History:
        """Interact for up to total_steps env steps, learning as it goes.

        Every eval_every steps (when eval_env is given) the greedy policy plays eval_episodes
        episodes; training stops early once their mean reaches solved_return. Returns a History
        with the per-episode training returns. Calling train again continues learning (step count,
        buffer, epsilon schedule) from a fresh episode.
        """
        hist, env = History(), self.env
        obs, _ = env.reset(seed=self.seed if self.steps == 0 else None)
        ep_return, start = 0.0, self.steps
        clock = time.perf_counter()
        with tqdm(total=total_steps, disable=not progress, unit="step", leave=True) as bar:
            for _ in range(total_steps):
                self.steps += 1
                t = self.steps
                obs_next, r, terminated, truncated = collect_transition(
                    env, obs, self.q_net, self.epsilon(t), self.rng, self.buffer
                )
                ep_return += r
                if terminated or truncated:
                    hist.episode_returns.append(ep_return)
                    hist.episode_steps.append(t)
                    ep_return = 0.0
                    obs, _ = env.reset()
                else:
                    obs = obs_next
                if t > self.learning_starts and t % self.train_freq == 0:
                    beta = linear_schedule(t - start, self.per_beta_start, 1.0, total_steps)
                    for _ in range(self.gradient_steps):
                        hist.losses.append(self.update(beta))
                if self.tau is None and t % self.target_update_interval == 0:
                    hard_update(self.target_net.params, self.q_net.params)
                bar.update(1)
                if eval_env is not None and t % eval_every == 0:
                    hist.train_seconds += time.perf_counter() - clock
                    mean = float(evaluate(self.q_net, eval_env, eval_episodes, seed=10_000 + t).mean())
                    clock = time.perf_counter()
                    hist.eval_steps.append(t)
                    hist.eval_means.append(mean)
                    last = hist.episode_returns[-1] if hist.episode_returns else float("nan")
                    bar.set_postfix(episodes=len(hist.episode_returns), last_return=f"{last:.3g}", greedy=f"{mean:.3g}")
                    if solved_return is not None and mean >= solved_return:
                        hist.solved_step = t
                        break
        hist.train_seconds += time.perf_counter() - clock
        return hist

    def evaluate(self, env: gym.Env, num_episodes: int = 20, seed: int = 0) -> np.ndarray:
        """Greedy returns (num_episodes,) of the current online network (`lib.rl.evaluation.evaluate`)."""
        return evaluate(self.q_net, env, num_episodes, seed)
