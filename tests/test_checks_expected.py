"""The door to expected values (`lib.checks.expected`): digests, recording and replaying, and the
rule that check modules reach reference solutions only through it."""

import ast
from pathlib import Path

import numpy as np
import pytest

import lib.checks
from lib.checks.expected import MissingAnswer, answer, digest, recording, reference, replaying

CHECKS_DIR = Path(lib.checks.__file__).parent

# What check modules may import from the rest of `lib` at module level: data and infrastructure
# that is not the answer to any exercise. Everything else is asked through `expected`.
ALLOWED_LIB_IMPORTS = {
    "lib.layers": {"CONV_EXAMPLE", "POOL_EXAMPLE"},  # worked examples
    "lib.rl.envs": {"CorridorEnv"},  # a test environment
    "lib.rl.replay": {"Batch"},  # the named tuple a replay buffer returns
    "lib.models.q_network": {"QNetwork"},  # the network dqn_loss is given (07a does not ask for it)
}


def test_digest_tells_inputs_apart():
    x = np.arange(6.0)
    key = digest("f", (x,), {})
    assert key == digest("f", (x.copy(),), {})
    assert key != digest("g", (x,), {})
    assert key != digest("f", (x.reshape(2, 3),), {})
    assert key != digest("f", (x.astype(np.float32),), {})
    assert key != digest("f", (x + 1e-12,), {})
    assert digest("f", (1,), {}) != digest("f", (1.0,), {}) != digest("f", (True,), {})
    assert digest("f", (), {"a": 1, "b": 2}) == digest("f", (), {"b": 2, "a": 1})
    assert digest("f", ([1, 2],), {}) != digest("f", ((1, 2),), {})


def test_digest_of_generators_and_functions():
    g = np.random.default_rng(0)
    before = digest("f", (g,), {})
    assert before == digest("f", (np.random.default_rng(0),), {})
    g.random()
    assert digest("f", (g,), {}) != before
    assert digest("f", (np.mean,), {}) != digest("f", (np.sum,), {})
    with pytest.raises(TypeError, match="cannot digest"):
        digest("f", (lambda: 0,), {})
    with pytest.raises(TypeError, match="cannot digest"):
        digest("f", (object(),), {})


def test_reference_calls_live_records_and_replays():
    ref = reference("lib.layers")
    x = np.array([[-1.0, 2.0]])
    with recording() as answers:
        out, _ = ref.relu_forward(x)
    np.testing.assert_array_equal(out, [[0.0, 2.0]])
    assert len(answers) == 1
    [key] = answers
    answers[key] = (np.array([[7.0, 7.0]]), None)  # a replay returns what was recorded, nothing else
    with replaying(answers):
        np.testing.assert_array_equal(ref.relu_forward(x)[0], [[7.0, 7.0]])
        with pytest.raises(MissingAnswer, match="lib.layers.relu_forward"):
            ref.relu_forward(x + 1)


def test_answers_are_copies_and_inputs_untouched():
    calls = []

    @answer
    def _grow(v):
        calls.append(1)
        v.append(1)  # a recipe that changes its input must not change the caller's
        return v

    data = [0]
    with recording() as answers:
        got = _grow(data)
    assert data == [0] and got == [0, 1]
    got.append(2)
    with replaying(answers):
        assert _grow(data) == [0, 1]  # replayed, not recomputed, and not the list changed above
    assert len(calls) == 1


def _lib_imports(path: Path):
    """(module, names) of every module-level `from lib... import ...` in a check module."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            base = "lib.checks" if node.level == 1 else "lib" if node.level == 2 else ""
            module = ".".join(p for p in (base, node.module or "") if p) if node.level else node.module or ""
            if module.startswith("lib"):
                yield module, {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("lib"):
                    yield a.name, {"*"}


@pytest.mark.parametrize("path", sorted(CHECKS_DIR.glob("*.py")), ids=lambda p: p.name)
def test_checks_reach_references_only_through_the_door(path):
    for module, names in _lib_imports(path):
        if module.startswith("lib.checks"):
            continue
        extra = names - ALLOWED_LIB_IMPORTS.get(module, set())
        assert not extra, (
            f"{path.name} imports {sorted(extra)} from {module}: ask for expected values with "
            f"expected.reference('{module}') or an @answer recipe instead"
        )


def test_the_import_rule_can_fail(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from .. import layers as ref\nfrom ..rl.tabular import q_learning_update\n")
    assert list(_lib_imports(bad)) == [("lib", {"layers"}), ("lib.rl.tabular", {"q_learning_update"})]
