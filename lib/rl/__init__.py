"""Reinforcement learning: tabular methods (06), DQN (07) and small gymnasium environments.

tabular     epsilon-greedy, Q-learning, SARSA, expected SARSA, MC/TD(0), value iteration, training loops
replay      replay buffers (uniform and prioritized) and the sum tree
dqn         Huber loss, TD and Double DQN targets, the DQN loss, target updates, acting
agent       DQNAgent: those pieces in a training loop; the CartPole hyperparameters
evaluation  greedy episodes of any batch policy (run_policy) or Q-network (evaluate)
envs        CatMouse-v0 and Catch-v0 (registered with gymnasium on import), CorridorEnv
plots       value heatmaps, policy arrows, smoothed returns

The Q-network itself is `lib.models.QNetwork`. Nothing here imports lib.course or lib.checks.
"""
