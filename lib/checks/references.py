"""Which assignment every graded check belongs to, and which objects of `lib` are its reference.

A student release bundle (`lib.course.bundle`) removes the reference solutions of the exercises
that are not due yet, and `course generate` records each assignment's expected values by running
its checks against these references (`lib.checks.answers`). Both need to know, exercise by
exercise, where the answer lives in `lib`; this table says it explicitly rather than guessing
from names (37 of the 41 first exercises share their reference's name, but a method of a class,
a whole class, or a function under another module's name do not).

Each entry: check name -> `Exercise(assignment, objects)`, where objects are dotted paths (the
first is what the check is run with to pass; the others are helpers that hold the same answer in
another form, such as lib.layers.svm_loss for svm_loss_vectorized) of a
module-level function ("lib.layers.affine_forward"), a whole class whose every method is the
exercise ("lib.rl.replay.ReplayBuffer"), or one method of a class
("lib.classifiers.linear_classifier.LinearClassifier.train"). It was made from the check modules'
`reference(...)` calls and `@answer` recipes, the notebooks' `student_or_reference(..., "lib.x")`
cells and the `references` of tests/test_checks_*.py; tests/test_bundle.py keeps the three in
agreement.
"""

from __future__ import annotations

import importlib
from typing import NamedTuple

__all__ = ["Exercise", "REFERENCES", "assignments", "checks_of", "resolve"]


class Exercise(NamedTuple):
    """assignment: its folder under solutions/ (e.g. "02_svm"); objects: dotted paths in lib."""

    assignment: str
    objects: tuple[str, ...]


def _module(assignment: str, module: str, names: str) -> dict[str, Exercise]:
    """Exercises whose check and reference share a name, all in one module of lib."""
    return {name: Exercise(assignment, (f"{module}.{name}",)) for name in names.split()}


LR, SVM, SOFTMAX, CNN, LENET, QL, DQN = (
    "01_linear_regression",
    "02_svm",
    "03_softmax",
    "04_cnn_layers",
    "05_lenet",
    "06_q_learning",
    "07_dqn",
)
_CLASSIFIER = "lib.classifiers.linear_classifier.LinearClassifier"

REFERENCES: dict[str, Exercise] = {
    **_module(
        LR,
        "lib.linear_regression",
        "mse_loss mse_grad_loop mse_grad gradient_descent minibatch_sgd normal_equation ridge_grad "
        "ridge_normal_equation numerical_hessian standardize",
    ),
    "svm_loss_naive": Exercise(SVM, ("lib.classifiers.linear_svm.svm_loss_naive",)),
    # lib.layers.svm_loss is the vectorized hinge on scores: svm_loss_vectorized's answer but for X.T @
    "svm_loss_vectorized": Exercise(SVM, ("lib.classifiers.linear_svm.svm_loss_vectorized", "lib.layers.svm_loss")),
    "linear_classifier_train": Exercise(SVM, (f"{_CLASSIFIER}.train",)),
    "linear_classifier_predict": Exercise(SVM, (f"{_CLASSIFIER}.predict",)),
    **_module(SOFTMAX, "lib.classifiers.logistic", "logistic_loss"),
    **_module(SOFTMAX, "lib.classifiers.softmax", "softmax softmax_loss_naive"),
    "softmax_loss_vectorized": Exercise(
        SOFTMAX, ("lib.classifiers.softmax.softmax_loss_vectorized", "lib.layers.softmax_loss")
    ),
    **_module(
        SOFTMAX,
        "lib.classifiers.neural_net",
        "two_layer_forward two_layer_loss two_layer_predict two_layer_train init_std",
    ),
    **_module(
        CNN,
        "lib.layers",
        "affine_forward affine_backward relu_forward relu_backward sigmoid_forward sigmoid_backward "
        "tanh_forward tanh_backward leaky_relu_forward leaky_relu_backward conv_output_size "
        "conv_forward_naive conv_backward_naive max_pool_forward_naive max_pool_backward_naive "
        "avg_pool_forward_naive avg_pool_backward_naive batchnorm_forward batchnorm_backward "
        "batchnorm_backward_alt spatial_batchnorm_forward spatial_batchnorm_backward dropout_forward "
        "dropout_backward",
    ),
    **_module(LENET, "lib.optim", "sgd_momentum rmsprop adam clip_grad_norm cosine_lr"),
    "lenet5_loss": Exercise(LENET, ("lib.models.lenet.LeNet5.loss",)),
    **_module(
        QL,
        "lib.rl.tabular",
        "mc_prediction td0_prediction epsilon_greedy q_learning_update sarsa_update q_learning_episode "
        "expected_sarsa_update double_q_learning_update td_lambda_prediction",
    ),
    **_module(
        QL,
        "lib.rl.approx",
        "gradient_mc_update semi_gradient_td0_update tile_indices semi_gradient_sarsa_update",
    ),
    "replay_buffer": Exercise(DQN, ("lib.rl.replay.ReplayBuffer",)),
    "sum_tree": Exercise(DQN, ("lib.rl.replay.SumTree",)),
    **_module(DQN, "lib.rl.replay", "importance_weights rank_based_probs"),
    **_module(
        DQN,
        "lib.rl.dqn",
        "td_targets huber_loss collect_transition dqn_loss soft_update double_dqn_targets",
    ),
    **_module(DQN, "lib.models.q_network", "dueling_aggregate"),
    **_module(DQN, "lib.rl.envs", "stack_frames catch_frames max_pool_2x2"),
}


def assignments() -> list[str]:
    """The assignment folders that have exercises, sorted."""
    return sorted({e.assignment for e in REFERENCES.values()})


def checks_of(assignment: str) -> list[str]:
    """The check names of one assignment, in the order of REFERENCES. Raises KeyError for an
    assignment without exercises (a typo, or a folder the table does not know yet)."""
    names = [name for name, e in REFERENCES.items() if e.assignment == assignment]
    if not names:
        raise KeyError(f"no exercises registered for assignment {assignment!r} (have: {', '.join(assignments())})")
    return names


def resolve(path: str):
    """The object at a dotted path such as "lib.rl.replay.ReplayBuffer" or
    "lib.classifiers.linear_classifier.LinearClassifier.train": the longest importable module
    prefix, then attributes. Raises ImportError or AttributeError when it does not exist."""
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:cut])
        try:
            obj = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                continue  # not a module: an attribute of a shorter prefix
            raise  # a module that exists but fails to import
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(f"no module in {path!r}")
