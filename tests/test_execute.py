"""Executing notebooks: stored outputs keep only a progress bar's final state, and the bars of
lib's training loops end cleanly (on stdout, at 100 % or 'solved')."""

import nbformat
import numpy as np

from lib.course.execute import final_frames
from lib.models import QNetwork
from lib.rl.agent import DQNAgent
from lib.rl.envs import CorridorEnv


def test_final_frames_keeps_what_a_terminal_would_show():
    cell = nbformat.v4.new_code_cell("train()")
    frames = ["\r  0%|  | 0/3", "\r 33%|# | 1/3", "\r100%|##| 3/3", "\n"]
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text=t) for t in frames]
    cell.outputs.insert(0, nbformat.v4.new_output("stream", name="stdout", text="start\n"))
    cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text="done\n"))
    nb = nbformat.v4.new_notebook(cells=[cell])
    final_frames(nb)
    assert [(o.name, o.text) for o in nb.cells[0].outputs] == [
        ("stdout", "start\n"),
        ("stderr", "100%|##| 3/3\n"),
        ("stdout", "done\n"),
    ]


def test_an_early_stop_ends_the_bar_as_solved(capsys):
    env = CorridorEnv(3, one_hot=True, max_steps=10)
    net = QNetwork((3,), 2, hidden=(8,), seed=0)
    net.params["b_out"][:] = [0.0, 5.0]  # already walks right: the first evaluation solves it
    agent = DQNAgent(env, net, learning_starts=10_000, seed=0)
    hist = agent.train(1_000, eval_env=CorridorEnv(3, one_hot=True, max_steps=10), eval_every=50, solved_return=1.0)
    shown = capsys.readouterr()
    assert hist.solved_step == 50 and np.isfinite(hist.train_seconds)
    last = shown.out.rsplit("\r", 1)[-1]
    assert "solved at step 50" in last and "100%" in last and "50/50" in last
    assert shown.err == ""  # no red strip in Jupyter
