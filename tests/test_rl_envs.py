"""The course's gymnasium environments: CatMouse-v0 (06), Catch-v0 (07c) and the test corridor."""

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from lib.rl import tabular as T
from lib.rl.envs import CatchEnv, CatMouseEnv, CorridorEnv


@pytest.mark.parametrize("one_hot", [True, False])
def test_corridor_passes_gymnasiums_checker(one_hot):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(CorridorEnv(4, one_hot=one_hot, max_steps=10), skip_render_check=True)  # it has no render


def test_corridor_rules():
    env = CorridorEnv(4, one_hot=False)
    assert env.reset(seed=0)[0] == 0
    assert env.step(0)[:4] == (0, 0.0, False, False)  # the left wall: stays
    assert [env.step(1)[:4] for _ in range(3)] == [
        (1, 0.0, False, False),
        (2, 0.0, False, False),
        (3, 1.0, True, False),
    ]
    obs, _ = CorridorEnv(6).reset(options={"start": 4})
    np.testing.assert_array_equal(obs, np.eye(6, dtype=np.float32)[4])
    assert obs.dtype == np.float32


def test_corridor_time_limit_truncates_only_where_the_goal_was_not_reached():
    env = CorridorEnv(4, one_hot=False, max_steps=2)
    env.reset()
    assert env.step(1)[2:4] == (False, False)
    assert env.step(1)[2:4] == (False, True)  # the clock ran out at cell 2
    env = CorridorEnv(3, one_hot=False, max_steps=2)
    env.reset()
    env.step(1)
    assert env.step(1)[2:4] == (True, False)  # reached the goal on the last step: terminated only


def test_corridor_rejects_bad_arguments():
    with pytest.raises(ValueError, match="length"):
        CorridorEnv(1)
    with pytest.raises(ValueError, match="max_steps"):
        CorridorEnv(4, max_steps=0)
    with pytest.raises(ValueError, match="start"):
        CorridorEnv(4).reset(options={"start": 3})
    env = CorridorEnv(4)
    env.reset()
    with pytest.raises(ValueError, match="action must be 0"):
        env.step(2)


def test_catch_env_rules():
    check_env(gym.make("Catch-v0").unwrapped)
    env = CatchEnv()
    for seed in range(20):  # the follow-the-fruit policy always catches
        obs, _ = env.reset(seed=seed)
        assert obs.shape == (1, 10, 10) and obs.sum() == 4
        steps, done = 0, False
        while not done:
            fruit, basket = np.argmax(obs[0, :-1].max(axis=0)), np.flatnonzero(obs[0, -1]).mean()
            a = 1 if fruit == basket else (2 if fruit > basket else 0)
            obs, r, done, trunc, _ = env.step(a)
            steps += 1
        assert steps == 9 and r == 1.0
    env.reset(seed=3)
    rewards = [env.step(0)[1] for _ in range(9)]
    assert rewards[:8] == [0.0] * 8 and rewards[8] in (1.0, -1.0)
    assert gym.make("Catch-v0", render_mode="rgb_array").unwrapped.render_mode == "rgb_array"
    with pytest.raises(ValueError, match="action"):
        env.step(3)


def test_cat_mouse_env():
    env = gym.make("CatMouse-v0", render_mode="rgb_array")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env.unwrapped)
    obs, _ = env.reset(seed=0)
    assert obs == 4 * 6 + 0 and env.render().shape == (160, 192, 3)
    assert env.step(3)[0] == obs  # wall: stays put
    _, r, term, _, info = env.step(0)  # up from (4, 0) is free
    assert not term
    Q, R, L = T.train(env, "q_learning", 300, 0.5, 0.99, 0.1, seed=0)
    assert T.evaluate(Q, env, 5).mean() == pytest.approx(1 - 8 * 0.04)  # the 9-step shortest path
    with pytest.raises(ValueError, match="outside"):
        CatMouseEnv(cats=((9, 9),))


def test_stack_frames_keeps_the_last_k_frames_oldest_first_and_repeats_the_first():
    from lib.rl.envs import stack_frames

    frames = np.arange(4, dtype=np.float32)[:, None, None, None] * np.ones((4, 1, 2, 3), np.float32)
    out = stack_frames(frames, 3)
    assert out.shape == (4, 3, 2, 3) and out.dtype == np.float32
    np.testing.assert_array_equal(out[:, :, 0, 0], [[0, 0, 0], [0, 0, 1], [0, 1, 2], [1, 2, 3]])
    np.testing.assert_array_equal(stack_frames(frames, 1), frames)


def test_stack_frames_rejects_bad_input():
    from lib.rl.envs import stack_frames

    with pytest.raises(ValueError, match="frames"):
        stack_frames(np.zeros((3, 2, 4, 4)), 2)
    with pytest.raises(ValueError, match="k must"):
        stack_frames(np.zeros((3, 1, 4, 4)), 0)


def test_catch_frames_matches_what_the_env_shows():
    from lib.rl.envs import catch_frames

    env, states = CatchEnv(rows=7, cols=9, basket=3), []
    for row, fruit, basket in [(0, 0, 1), (3, 8, 7), (6, 4, 4)]:
        env.fruit_row, env.fruit_col, env.basket_col = row, fruit, basket
        states.append((row, fruit, basket))
        np.testing.assert_array_equal(catch_frames(states, 7, 9, 3)[-1], env._obs())
    with pytest.raises(ValueError, match="basket columns"):
        catch_frames([(0, 0, 0)], 7, 9, 3)
    with pytest.raises(ValueError, match="fruit positions"):
        catch_frames([(7, 0, 1)], 7, 9, 3)


def test_max_pool_2x2_takes_the_largest_of_each_block():
    from lib.rl.envs import max_pool_2x2

    x = np.arange(24.0).reshape(1, 1, 4, 6)
    np.testing.assert_array_equal(max_pool_2x2(x)[0, 0], [[7, 9, 11], [19, 21, 23]])
    np.testing.assert_array_equal(max_pool_2x2(-x)[0, 0], [[0, -2, -4], [-12, -14, -16]])
    with pytest.raises(ValueError, match="even"):
        max_pool_2x2(np.zeros((1, 1, 3, 4)))
