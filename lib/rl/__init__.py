"""Reinforcement learning: tabular methods (06) and small gymnasium environments.

Importing lib.rl.envs registers CatMouse-v0 with gymnasium.
"""
