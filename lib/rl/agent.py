"""The DQN agent: the pieces of `lib.rl.dqn` run in a loop, with a replay buffer, a target
network and an epsilon schedule; Double DQN, dueling heads and prioritized replay are switches.

Sources: Mnih et al. (2015), "Human-level control through deep reinforcement learning", Nature
518 (Algorithm 1: the loop, replay, a target network updated every C steps); Schaul et al.
(2016), "Prioritized Experience Replay" (beta annealed to 1); Lillicrap et al. (2016) (soft
target updates); Stable-Baselines3's DQN for the names of the hyperparameters (train_freq,
gradient_steps, learning_starts, target_update_interval).
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import gymnasium as gym
import numpy as np
from tqdm import tqdm

from ..models import QNetwork
from ..optim import adam
from .dqn import clip_grad_norm, collect_transition, dqn_loss, hard_update, linear_schedule, soft_update
from .evaluation import evaluate
from .replay import PrioritizedReplayBuffer, ReplayBuffer

__all__ = ["CARTPOLE", "DQNAgent", "History"]


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
    buffer: a factory `buffer(capacity, obs_shape)` of the replay buffer (a class such as
    `lib.rl.replay.ReplayBuffer` is one; a notebook passes the student's), called once with
    (buffer_size, q_net.obs_shape); the object needs `add(obs, action, reward, next_obs,
    terminated)` and `sample(batch_size, rng) -> Batch`. Default: `ReplayBuffer`, or
    `PrioritizedReplayBuffer` when prioritized (which cannot be combined with a custom buffer).
    collect_fn: `collect_fn(env, obs, q_net, epsilon, rng, buffer) -> (next_obs, reward,
    terminated, truncated)`, one epsilon-greedy step stored in the buffer, as `collect_transition`
    (the default).
    target_network: False drops the target network (the ablation of Mnih et al., 2015, Extended
    Data Table 3): target_net is then q_net itself, so the targets move with every update, and
    there is nothing to copy.
    soft_update_fn: `soft_update_fn(target_params, params, tau)`, the in-place Polyak update used
    when tau is given, as `soft_update` (the default).
    optim_config: Adam's state, the config dict `lib.optim.adam` takes and returns (learning rate,
    then moments m, v and step count t) for all parameters laid end to end (`lib.solver.Solver`
    keeps one such dict per parameter, in `optim_configs`).
    Raises ValueError for a non-Discrete action space, a q_net whose outputs or observation
    shape do not match env, tau outside (0, 1], double=True with a custom loss_fn, prioritized=True
    with a custom buffer, or tau given without a target network.
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
        buffer: Callable | None = None,
        collect_fn: Callable | None = None,
        target_network: bool = True,
        soft_update_fn: Callable | None = None,
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
        if prioritized and buffer is not None:
            raise ValueError(
                f"prioritized=True makes its own PrioritizedReplayBuffer, but buffer={buffer!r} was given too: "
                "pass one or the other"
            )
        if tau is not None and not target_network:
            raise ValueError(f"tau={tau} updates a target network, but target_network=False: drop one of them")
        self.env, self.q_net = env, q_net
        self.target_net = q_net.copy() if target_network else q_net
        self.target_network = target_network
        self.gamma, self.batch_size, self.learning_starts = gamma, batch_size, learning_starts
        self.train_freq, self.gradient_steps = train_freq, gradient_steps
        self.target_update_interval, self.tau = target_update_interval, tau
        self.eps_start, self.eps_end, self.eps_decay_steps = eps_start, eps_end, eps_decay_steps
        self.max_grad_norm, self.double, self.prioritized = max_grad_norm, double, prioritized
        self.per_beta_start = per_beta_start
        obs_shape = q_net.obs_shape
        if prioritized:
            self.buffer = PrioritizedReplayBuffer(buffer_size, obs_shape, alpha=per_alpha)
        else:
            self.buffer = (ReplayBuffer if buffer is None else buffer)(buffer_size, obs_shape)
        self.collect_fn = collect_transition if collect_fn is None else collect_fn
        self.soft_update_fn = soft_update if soft_update_fn is None else soft_update_fn
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
            self.soft_update_fn(self.target_net.params, p, self.tau)
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
        # On stdout: in Jupyter a bar on stderr sits on a red background, as if something failed.
        with tqdm(total=total_steps, disable=not progress, unit="step", leave=True, file=sys.stdout) as bar:
            for _ in range(total_steps):
                self.steps += 1
                t = self.steps
                obs_next, r, terminated, truncated = self.collect_fn(
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
                if self.target_network and self.tau is None and t % self.target_update_interval == 0:
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
                        # End the bar as finished, not frozen part-way as if interrupted.
                        bar.total = bar.n
                        bar.set_description(f"solved at step {t:,}")
                        break
        hist.train_seconds += time.perf_counter() - clock
        return hist

    def evaluate(self, env: gym.Env, num_episodes: int = 20, seed: int = 0) -> np.ndarray:
        """Greedy returns (num_episodes,) of the current online network (`lib.rl.evaluation.evaluate`)."""
        return evaluate(self.q_net, env, num_episodes, seed)
