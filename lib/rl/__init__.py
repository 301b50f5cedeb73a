"""Reinforcement learning: tabular methods and function approximation (06), DQN (07), small environments.

tabular     epsilon-greedy, Q-learning, SARSA, expected SARSA, MC/TD(0), value iteration, training loops
approx      linear function approximation: the 1000-state walk, features and tile coding, gradient MC,
            semi-gradient TD(0) and SARSA (MountainCar), Baird's counterexample
replay      replay buffers (uniform and prioritized) and the sum tree
dqn         Huber loss, TD and Double DQN targets, the DQN loss, target updates, acting
agent       DQNAgent: those pieces in a training loop; the CartPole hyperparameters
evaluation  greedy episodes of any batch policy (run_policy) or Q-network (evaluate)
envs        CatMouse-v0 and Catch-v0 (registered with gymnasium on import), CorridorEnv
plots       value heatmaps, policy arrows, smoothed returns

The Q-network itself is `lib.models.QNetwork`. Nothing here imports lib.course or lib.checks.
"""
