"""Playing whole episodes with a fixed policy, to measure it: `run_policy` for any batch policy
(ours, Stable-Baselines3's `predict`, a random one) and `evaluate` for a Q-network's greedy policy.

Training loops live with their algorithms (`lib.rl.agent.DQNAgent.train`, `lib.rl.tabular.train`);
the tabular greedy evaluation is `lib.rl.tabular.evaluate`. Both `evaluate`s take the model
first, then the env, like Stable-Baselines3's `evaluate_policy(model, env, ...)`.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable

import gymnasium as gym
import numpy as np

__all__ = ["run_policy", "evaluate"]


def _make_copies(env: gym.Env, n: int) -> list:
    if env.spec is not None:
        # the whole spec, not just its id: it also lists the wrappers around env (TransformObservation, ...)
        kwargs = dict(env.spec.kwargs)
        kwargs.pop("render_mode", None)
        spec = dataclasses.replace(env.spec, kwargs=kwargs)
        return [gym.make(spec) for _ in range(n)]
    return [copy.deepcopy(env) for _ in range(n)]


def run_policy(policy: Callable, env: gym.Env, num_episodes: int = 20, seed: int = 0) -> np.ndarray:
    """Returns of num_episodes episodes of a batch policy, as a (num_episodes,) float array.

    policy: maps observations (B, *obs_shape) float32 to B actions. Episode i starts from
    env.reset(seed=seed + i) on its own copy of env (made from env's registered spec, wrappers
    included, else a deep copy; env itself is not stepped), and all run in step: one policy call
    per time step for every episode still going, until each is terminated or truncated.
    """
    envs = _make_copies(env, num_episodes)
    obs = np.stack([np.asarray(e.reset(seed=seed + i)[0], np.float32) for i, e in enumerate(envs)])
    returns = np.zeros(num_episodes)
    running = np.arange(num_episodes)
    while running.size:
        actions = policy(obs[running])
        still = []
        for i, a in zip(running, actions):
            o, r, terminated, truncated, _ = envs[i].step(int(a))
            obs[i], returns[i] = o, returns[i] + r
            if not (terminated or truncated):
                still.append(i)
        running = np.array(still, dtype=np.int64)
    for e in envs:
        e.close()
    return returns


def evaluate(q_net, env: gym.Env, num_episodes: int = 20, seed: int = 0) -> np.ndarray:
    """Returns (num_episodes,) of q_net's greedy policy (argmax Q, first maximum on ties, no
    exploration); q_net is anything with `q_values(obs) -> (B, num_actions)`, such as
    `lib.models.QNetwork`. Episodes as in `run_policy`."""
    return run_policy(lambda obs: q_net.q_values(obs).argmax(axis=1), env, num_episodes, seed)
