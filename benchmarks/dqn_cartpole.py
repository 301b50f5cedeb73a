"""Wall time and environment steps until CartPole-v1 is solved (greedy evaluation >= 475 over 20
episodes), for this course's NumPy DQN and for Stable-Baselines3's DQN with the rl-baselines3-zoo
CartPole-v1 hyperparameters, over the same seeds, in the same run (seed by seed, alternating).

    python benchmarks/dqn_cartpole.py [--seeds 5] [--budget 50000] [--only ours double sb3]

"ours" is vanilla DQN, "double" the same agent with Double DQN targets, both with the
hyperparameters in lib.rl.agent.CARTPOLE.

Both are evaluated the same way: every 500 environment steps, 20 greedy episodes (seeds never used
in training), stopping at the first evaluation whose mean reaches 475. Wall time counts training
only (the clock is paused during evaluations) on one thread each (OPENBLAS_NUM_THREADS=1 for
NumPy, torch.set_num_threads(1)). A run that never reaches 475 within the budget is reported as
unsolved with the time of its whole budget.

SB3 and PyTorch are optional: `pip install -e ".[bench]"`. Target (issue 7): ours solves in at
least 4 of 5 seeds, with a median wall time at most a third of SB3's.
"""

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy is imported

import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib.models import QNetwork  # noqa: E402
from lib.rl.agent import CARTPOLE, DQNAgent  # noqa: E402
from lib.rl.evaluation import run_policy  # noqa: E402

EVAL_EVERY, EVAL_EPISODES, SOLVED = 500, 20, 475.0

# rl-baselines3-zoo, hyperparams/dqn.yml, CartPole-v1 (n_timesteps 5e4)
ZOO = dict(
    learning_rate=2.3e-3,
    batch_size=64,
    buffer_size=100_000,
    learning_starts=1000,
    gamma=0.99,
    target_update_interval=10,
    train_freq=256,
    gradient_steps=128,
    exploration_fraction=0.16,
    exploration_final_eps=0.04,
    policy_kwargs=dict(net_arch=[256, 256]),
)


def greedy_mean(policy, seed: int) -> float:
    """Mean return of EVAL_EPISODES greedy episodes; policy maps a batch of observations to actions."""
    return float(run_policy(policy, gym.make("CartPole-v1"), EVAL_EPISODES, seed).mean())


def run_ours(seed: int, budget: int, double: bool = False):
    env, eval_env = gym.make("CartPole-v1"), gym.make("CartPole-v1")
    q_net = QNetwork((4,), 2, hidden=CARTPOLE["hidden"], seed=seed)
    agent = DQNAgent(env, q_net, seed=seed, double=double, **CARTPOLE["agent"])
    hist = agent.train(
        budget,
        eval_env=eval_env,
        eval_every=EVAL_EVERY,
        eval_episodes=EVAL_EPISODES,
        solved_return=SOLVED,
        progress=False,
    )
    return hist.solved_step, hist.train_seconds


def run_sb3(seed: int, budget: int):
    import torch
    from stable_baselines3 import DQN
    from stable_baselines3.common.callbacks import BaseCallback

    torch.set_num_threads(1)

    class SolvedStop(BaseCallback):
        def __init__(self):
            super().__init__()
            self.solved_step, self.eval_seconds = None, 0.0

        def _on_step(self) -> bool:
            if self.num_timesteps % EVAL_EVERY:
                return True
            t0 = time.perf_counter()
            mean = greedy_mean(lambda o: self.model.predict(o, deterministic=True)[0], seed=10_000 + self.num_timesteps)
            self.eval_seconds += time.perf_counter() - t0
            if mean >= SOLVED:
                self.solved_step = self.num_timesteps
                return False
            return True

    model = DQN("MlpPolicy", gym.make("CartPole-v1"), seed=seed, device="cpu", verbose=0, **ZOO)
    cb = SolvedStop()
    t0 = time.perf_counter()
    model.learn(total_timesteps=budget, callback=cb)
    return cb.solved_step, time.perf_counter() - t0 - cb.eval_seconds


def summary(name, rows):
    solved = [r for r in rows if r[0] is not None]
    times = [r[1] for r in rows]
    steps = [r[0] for r in solved]
    line = (
        f"{name:6s} solved {len(solved)}/{len(rows)}; wall time median {np.median(times):.1f} s "
        f"(range {min(times):.1f}-{max(times):.1f})"
    )
    if steps:
        line += f"; steps to solve median {int(np.median(steps)):,} (range {min(steps):,}-{max(steps):,})"
    print(line)
    return float(np.median(times))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--budget", type=int, default=50_000)
    ap.add_argument("--only", choices=["ours", "double", "sb3"], nargs="+")
    args = ap.parse_args()
    runners = {"ours": run_ours, "double": lambda seed, budget: run_ours(seed, budget, double=True), "sb3": run_sb3}
    if args.only:
        runners = {name: runners[name] for name in args.only}
    rows = {name: [] for name in runners}
    print(f"{'seed':>4s} {'who':6s} {'solved at step':>15s} {'wall s':>7s}")
    for seed in range(args.seeds):
        for name, run in runners.items():
            step, seconds = run(seed, args.budget)
            rows[name].append((step, seconds))
            print(f"{seed:4d} {name:6s} {str(step) if step else 'unsolved':>15s} {seconds:7.1f}", flush=True)
    medians = {name: summary(name, r) for name, r in rows.items()}
    for name in ("ours", "double"):
        if name in medians and "sb3" in medians:
            print(f"median wall time, SB3 / {name}: {medians['sb3'] / medians[name]:.2f}x (target >= 3x)")


if __name__ == "__main__":
    main()
