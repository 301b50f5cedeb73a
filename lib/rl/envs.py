"""Small gymnasium environments for the course.

CatMouse-v0: a mouse on a grid must fetch the cheese without running into a cat (after the
example, recalled in the article "Deep Convolutional Q-Learning", of a mouse that learns to fetch
cheese while evading a cat). The cats sit still, so the mouse's cell is the whole state and
tabular methods apply.

Catch-v0: a fruit falls down a small grid and a basket on the bottom row must catch it (the
"catch the falling fruit" game of the article "Deep Convolutional Q-Learning", after Eder
Santana's "Keras plays catch"; DeepMind's bsuite has a 10x5 version). The observation is the
picture itself, so a convolutional Q-network has to learn where things are.

CorridorEnv (not registered): a tiny corridor whose right end is the goal, small enough that
every value is known by hand; the tests and the graded checks of 06 and 07 run on it.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium import spaces

# actions: 0 up, 1 right, 2 down, 3 left (as in gymnasium's CliffWalking)
MOVES = np.array([(-1, 0), (0, 1), (1, 0), (0, -1)])
COLOURS = {"floor": (235, 235, 225), "mouse": (120, 120, 130), "cheese": (250, 200, 40), "cat": (230, 110, 40)}


class CatMouseEnv(gym.Env):
    """Gridworld: the mouse starts at `start`, +1 for reaching the cheese, -1 for a cat's cell
    (both end the episode), `step_reward` for every other move. Moving into a wall stays put.

    Observation: Discrete(rows * cols), the mouse's cell row * cols + col.
    Actions: Discrete(4): 0 up, 1 right, 2 down, 3 left.
    render_mode: None or "rgb_array" (an (rows * 32, cols * 32, 3) uint8 image).
    The registered id CatMouse-v0 adds a 100-step time limit (truncation).
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}

    def __init__(
        self,
        rows=5,
        cols=6,
        start=(4, 0),
        cheese=(0, 5),
        cats=((1, 2), (2, 4), (3, 2)),
        step_reward=-0.04,
        render_mode=None,
    ):
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        self.rows, self.cols = rows, cols
        self.start, self.cheese, self.cats = tuple(start), tuple(cheese), {tuple(c) for c in cats}
        for name, cell in [("start", self.start), ("cheese", self.cheese), *(("cat", c) for c in self.cats)]:
            if not (0 <= cell[0] < rows and 0 <= cell[1] < cols):
                raise ValueError(f"{name} {cell} is outside the {rows}x{cols} grid")
        self.step_reward = step_reward
        self.render_mode = render_mode
        self.observation_space = spaces.Discrete(rows * cols)
        self.action_space = spaces.Discrete(4)
        self.pos = self.start

    def _obs(self) -> int:
        return int(self.pos[0] * self.cols + self.pos[1])

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)  # seeds self.np_random; the dynamics themselves are deterministic
        self.pos = self.start
        return self._obs(), {}

    def step(self, action):
        if not self.action_space.contains(action):
            raise ValueError(f"action must be 0 (up), 1 (right), 2 (down) or 3 (left), got {action!r}")
        r, c = np.clip(np.array(self.pos) + MOVES[int(action)], 0, [self.rows - 1, self.cols - 1])
        self.pos = (int(r), int(c))
        if self.pos == self.cheese:
            return self._obs(), 1.0, True, False, {"event": "cheese"}
        if self.pos in self.cats:
            return self._obs(), -1.0, True, False, {"event": "cat"}
        return self._obs(), float(self.step_reward), False, False, {}

    def render(self):
        if self.render_mode != "rgb_array":
            return None
        cell = 32
        img = np.zeros((self.rows * cell, self.cols * cell, 3), np.uint8)
        img[:] = COLOURS["floor"]

        def fill(pos, colour, margin):
            r, c = pos
            img[r * cell + margin : (r + 1) * cell - margin, c * cell + margin : (c + 1) * cell - margin] = colour

        for cat in self.cats:
            fill(cat, COLOURS["cat"], 3)
        fill(self.cheese, COLOURS["cheese"], 6)
        fill(self.pos, COLOURS["mouse"], 9)
        img[::cell, :] = img[:, ::cell] = 200  # grid lines
        return img


gym.register(id="CatMouse-v0", entry_point=CatMouseEnv, max_episode_steps=100)


class CatchEnv(gym.Env):
    """Catch the falling fruit with a basket.

    Grid rows x cols (default 10 x 10). A fruit starts in a random column of the top row and falls
    one row per step; the basket, `basket` cells wide (default 3), sits on the bottom row with a
    random start. Each step the basket moves (0 left, 1 stay, 2 right; it stops at the walls),
    then the fruit falls. When the fruit reaches the bottom row the episode terminates with
    reward +1 if the basket is under it, -1 otherwise; every other step gives 0. An episode is
    rows - 1 steps, and every fruit can be caught.
    Observation: Box(0, 1, (1, rows, cols), float32), 1 where the fruit and the basket are.
    render_mode: None or "rgb_array" (an (rows * 24, cols * 24, 3) uint8 image).
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}

    def __init__(self, rows: int = 10, cols: int = 10, basket: int = 3, render_mode=None):
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        if rows < 3 or cols < 3:
            raise ValueError(f"the grid must be at least 3x3, got rows={rows}, cols={cols}")
        if not 1 <= basket <= cols or basket % 2 == 0:
            raise ValueError(f"basket must be an odd width between 1 and cols={cols}, got {basket}")
        self.rows, self.cols, self.half = rows, cols, basket // 2
        self.render_mode = render_mode
        self.observation_space = spaces.Box(0.0, 1.0, (1, rows, cols), np.float32)
        self.action_space = spaces.Discrete(3)
        self.fruit_row, self.fruit_col, self.basket_col = 0, 0, self.half

    def _obs(self) -> np.ndarray:
        img = np.zeros((1, self.rows, self.cols), np.float32)
        img[0, self.fruit_row, self.fruit_col] = 1.0
        img[0, -1, self.basket_col - self.half : self.basket_col + self.half + 1] = 1.0
        return img

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.fruit_row = 0
        self.fruit_col = int(self.np_random.integers(self.cols))
        self.basket_col = int(self.np_random.integers(self.half, self.cols - self.half))
        return self._obs(), {}

    def step(self, action):
        if not self.action_space.contains(action):
            raise ValueError(f"action must be 0 (left), 1 (stay) or 2 (right), got {action!r}")
        self.basket_col = int(np.clip(self.basket_col + int(action) - 1, self.half, self.cols - 1 - self.half))
        self.fruit_row += 1
        if self.fruit_row < self.rows - 1:
            return self._obs(), 0.0, False, False, {}
        caught = abs(self.fruit_col - self.basket_col) <= self.half
        return self._obs(), 1.0 if caught else -1.0, True, False, {"caught": caught}

    def render(self):
        if self.render_mode != "rgb_array":
            return None
        cell = 24
        img = np.full((self.rows * cell, self.cols * cell, 3), 245, np.uint8)
        r, c = self.fruit_row, self.fruit_col
        img[r * cell + 4 : (r + 1) * cell - 4, c * cell + 4 : (c + 1) * cell - 4] = (220, 50, 50)
        lo, hi = self.basket_col - self.half, self.basket_col + self.half + 1
        img[(self.rows - 1) * cell + 6 :, lo * cell + 1 : hi * cell - 1] = (90, 60, 30)
        img[::cell, :] = img[:, ::cell] = 215  # grid lines
        return img


gym.register(id="Catch-v0", entry_point=CatchEnv)


class CorridorEnv(gym.Env):
    """A corridor of `length` cells, 0..length-1; the last cell is the goal.

    Actions: Discrete(num_actions): 0 left, 1 right (moving left from cell 0 stays there), and
    with num_actions > 2 the actions 2.. wait in place (their next state is the state itself):
    more than two actions, and transitions back to the same state, for the checks. Reaching the
    goal gives reward 1 and terminates; every other step gives step_reward (default 0; a cost
    such as -0.1 makes an episode's return a sum of several rewards). With max_steps, the step
    that makes the episode max_steps long truncates it (unless it terminated).
    one_hot: observations are Box(0, 1, (length,), float32) one-hot vectors of the cell (for a
    Q-network), else Discrete(length), the cell itself (for a Q table).
    reset(options={"start": s}) starts from cell s (default 0).
    Raises ValueError for length < 2, max_steps < 1, num_actions < 2, a start outside
    0..length-2, or an action outside 0..num_actions-1.
    """

    def __init__(
        self,
        length: int = 5,
        one_hot: bool = True,
        max_steps: int | None = None,
        num_actions: int = 2,
        step_reward: float = 0.0,
    ):
        if int(length) < 2:
            raise ValueError(f"length must be an integer >= 2, got {length!r}")
        if max_steps is not None and int(max_steps) < 1:
            raise ValueError(f"max_steps must be None or >= 1, got {max_steps!r}")
        if int(num_actions) < 2:
            raise ValueError(f"num_actions must be an integer >= 2 (left, right, then waits), got {num_actions!r}")
        self.length, self.one_hot, self.max_steps = int(length), bool(one_hot), max_steps
        self.step_reward = float(step_reward)
        self.observation_space = (
            spaces.Box(0.0, 1.0, (self.length,), np.float32) if self.one_hot else spaces.Discrete(self.length)
        )
        self.action_space = spaces.Discrete(int(num_actions))
        self.pos, self.t = 0, 0

    def _obs(self):
        if not self.one_hot:
            return self.pos
        o = np.zeros(self.length, np.float32)
        o[self.pos] = 1.0
        return o

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)  # the dynamics are deterministic
        start = (options or {}).get("start", 0)
        if not 0 <= start < self.length - 1:
            raise ValueError(f"start must be a cell in 0..{self.length - 2} (not the goal), got {start!r}")
        self.pos, self.t = int(start), 0
        return self._obs(), {}

    def step(self, action):
        a = int(action)
        if not 0 <= a < self.action_space.n:
            waits = f", {', '.join(map(str, range(2, self.action_space.n)))} (wait)" if self.action_space.n > 2 else ""
            raise ValueError(f"action must be 0 (left), 1 (right){waits}, got {action!r}")
        move = {0: -1, 1: 1}.get(a, 0)
        self.pos, self.t = max(0, min(self.length - 1, self.pos + move)), self.t + 1
        terminated = self.pos == self.length - 1
        truncated = self.max_steps is not None and self.t >= self.max_steps and not terminated
        return self._obs(), 1.0 if terminated else self.step_reward, terminated, truncated, {}


def stack_frames(frames, k: int) -> np.ndarray:
    """The agent's input at every step of an episode: the last k frames, stacked as channels.

    Mnih et al. (2015), *Human-level control through deep reinforcement learning*, Methods
    (preprocessing): the Q-network sees the m = 4 most recent preprocessed frames, so that one
    input shows motion. Before the episode has k frames, the first frame fills the missing ones.

    frames: (T, 1, H, W) array of one episode's observations in order (T >= 1); k >= 1.
    Returns a (T, k, H, W) array of frames' dtype; row t holds frames max(t - k + 1, 0 .. ), ..., t,
    oldest first (channel k - 1 is frame t).
    Raises ValueError if frames is not 4-D with one channel and T >= 1, or k < 1.
    """
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[1] != 1 or len(frames) == 0:
        raise ValueError(f"frames must have shape (T >= 1, 1, H, W), got {frames.shape}")
    if int(k) != k or k < 1:
        raise ValueError(f"k must be an integer >= 1, got {k!r}")
    # index of the frame in channel j at step t: t - (k - 1 - j), never before the first frame
    idx = np.maximum(np.arange(len(frames))[:, None] - np.arange(k - 1, -1, -1), 0)
    return frames[idx, 0]


def catch_frames(states, rows: int = 10, cols: int = 10, basket: int = 3) -> np.ndarray:
    """Catch-v0's observation of many states at once.

    states: (S, 3) integers (fruit row, fruit column, basket centre column), with 0 <= fruit row
    < rows, 0 <= fruit column < cols and basket // 2 <= basket column < cols - basket // 2.
    Returns (S, 1, rows, cols) float32: 1 at the fruit and at the basket's cells on the bottom
    row, 0 elsewhere (the picture CatchEnv shows in that state).
    Raises ValueError if states is not (S, 3) or a position is off the grid.
    """
    states = np.asarray(states)
    if states.ndim != 2 or states.shape[1] != 3:
        raise ValueError(f"states must have shape (S, 3), got {states.shape}")
    half = basket // 2
    row, fruit, centre = states.T
    if row.min(initial=0) < 0 or row.max(initial=0) >= rows or fruit.min(initial=0) < 0 or fruit.max(initial=0) >= cols:
        raise ValueError(f"fruit positions must lie in the {rows}x{cols} grid, got {states[:, :2].tolist()}")
    if centre.min(initial=half) < half or centre.max(initial=half) > cols - 1 - half:
        raise ValueError(f"basket columns must lie in [{half}, {cols - 1 - half}], got {centre.tolist()}")
    out = np.zeros((len(states), 1, rows, cols), np.float32)
    s = np.arange(len(states))
    out[s, 0, row, fruit] = 1.0
    for offset in range(-half, half + 1):  # the basket's cells, one offset at a time
        out[s, 0, rows - 1, centre + offset] = 1.0
    return out


def max_pool_2x2(x) -> np.ndarray:
    """2x2 max pooling with stride 2 (CS231n's max_pool_forward with pool 2, stride 2), vectorized.

    x: (N, C, H, W) with H and W even. Returns (N, C, H // 2, W // 2) of x's dtype: each output is
    the largest of the four inputs in its 2x2 block.
    Raises ValueError if x is not 4-D or H or W is odd.
    """
    x = np.asarray(x)
    if x.ndim != 4 or x.shape[2] % 2 or x.shape[3] % 2:
        raise ValueError(f"x must have shape (N, C, H, W) with H and W even, got {x.shape}")
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
