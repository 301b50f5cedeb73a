"""Reinforcement learning: tabular methods (06) and small gymnasium environments.

Importing lib.rl.envs registers CatMouse-v0 and Catch-v0 with gymnasium.
DQN (07): lib.rl.replay (replay buffers, sum tree) and lib.rl.dqn (Q-networks, targets, agent).
"""
