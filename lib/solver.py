"""Minibatch training for classification models, compatible with CS231n's `Solver`.

    solver = Solver(model, data, update_rule="adam", optim_config={"learning_rate": 1e-3},
                    lr_decay=0.95, batch_size=64, num_epochs=10, seed=0)
    solver.train()          # one tqdm bar for the run: epoch, loss and accuracies in its postfix
    solver.model.params     # the best parameters on the validation set

model: an object with `params` (dict of arrays) and `loss(X, y=None)` returning scores, or
(loss, grads) with grads keyed like params. data: X_train, y_train, X_val, y_val.
"""

from __future__ import annotations

import math
import sys

import numpy as np
from tqdm import tqdm

from . import optim


class Solver:
    """Trains `model` on `data` with an update rule from `lib.optim` (or any callable of that form).

    Keyword arguments (CS231n's, plus seed and progress):
      update_rule: "sgd", "sgd_momentum", "rmsprop", "adam" or a callable; optim_config: dict of
      hyperparameters copied for every parameter; lr_decay: factor applied to the learning rate
      after each epoch; lr_schedule: a function (iteration, total_iterations) -> learning rate, set
      for every parameter before each update (e.g. `lib.optim.cosine_lr` with its lr_max and
      warmup bound by a lambda; not together with lr_decay); batch_size; num_epochs;
      num_train_samples: how many training samples check_accuracy uses after each epoch (None: all);
      num_val_samples (None: all); print_every: iterations between loss records in the bar's postfix;
      verbose: print a line per epoch; progress: show the tqdm bar; seed: seeds minibatch sampling.
    Attributes after train(): loss_history (per iteration), train_acc_history and val_acc_history
    (per epoch, starting with the untrained model), best_val_acc, best_params.
    Raises FloatingPointError, naming the iteration, if the loss becomes NaN or infinite.
    """

    def __init__(self, model, data, **kwargs):
        self.model = model
        self.X_train, self.y_train = data["X_train"], data["y_train"]
        self.X_val, self.y_val = data["X_val"], data["y_val"]
        self.update_rule = kwargs.pop("update_rule", "sgd")
        self.optim_config = kwargs.pop("optim_config", {})
        self.lr_decay = kwargs.pop("lr_decay", 1.0)
        self.lr_schedule = kwargs.pop("lr_schedule", None)
        self.batch_size = kwargs.pop("batch_size", 100)
        self.num_epochs = kwargs.pop("num_epochs", 10)
        self.num_train_samples = kwargs.pop("num_train_samples", 1000)
        self.num_val_samples = kwargs.pop("num_val_samples", None)
        self.print_every = kwargs.pop("print_every", 10)
        self.verbose = kwargs.pop("verbose", False)
        self.progress = kwargs.pop("progress", True)
        self.seed = kwargs.pop("seed", 0)
        kwargs.pop("checkpoint_name", None)  # accepted for compatibility; checkpoints are not written
        if kwargs:
            raise ValueError(f"unrecognized arguments: {', '.join(kwargs)}")
        if self.lr_schedule is not None and self.lr_decay != 1.0:
            raise ValueError("use lr_schedule or lr_decay, not both: a schedule sets every step's learning rate")
        if isinstance(self.update_rule, str):
            if not hasattr(optim, self.update_rule):
                raise ValueError(f'invalid update_rule "{self.update_rule}"; use sgd, sgd_momentum, rmsprop or adam')
            self.update_rule = getattr(optim, self.update_rule)
        if len(self.X_train) != len(self.y_train) or len(self.X_val) != len(self.y_val):
            raise ValueError("X_train / y_train and X_val / y_val must have matching lengths")
        self._reset()

    def _reset(self):
        self.epoch = 0
        self.best_val_acc = 0.0
        self.best_params = {}
        self.loss_history, self.train_acc_history, self.val_acc_history = [], [], []
        self.optim_configs = {p: dict(self.optim_config) for p in self.model.params}
        self.rng = np.random.default_rng(self.seed)

    def _step(self, it: int, total: int = 0):
        """One minibatch (drawn with replacement, as CS231n does) and one update of every parameter."""
        if self.lr_schedule is not None:
            lr = self.lr_schedule(it, total)
            for config in self.optim_configs.values():
                config["learning_rate"] = lr
        idx = self.rng.choice(len(self.X_train), self.batch_size)
        loss, grads = self.model.loss(self.X_train[idx], self.y_train[idx])
        if not math.isfinite(loss):
            raise FloatingPointError(
                f"the loss became {loss} at iteration {it} (epoch {self.epoch + 1}): the learning rate is "
                f"probably too high for this model; lower it (e.g. by 10x) and train again"
            )
        self.loss_history.append(loss)
        for p, w in self.model.params.items():
            next_w, self.optim_configs[p] = self.update_rule(w, grads[p], self.optim_configs[p])
            self.model.params[p] = next_w

    def check_accuracy(self, X, y, num_samples=None, batch_size=256) -> float:
        """Fraction of (a seeded subsample of) X classified as y, computed in batches."""
        if num_samples is not None and len(X) > num_samples:
            idx = np.random.default_rng(self.seed + self.epoch).choice(len(X), num_samples, replace=False)
            X, y = X[idx], y[idx]
        preds = [np.argmax(self.model.loss(X[i : i + batch_size]), axis=1) for i in range(0, len(X), batch_size)]
        return float(np.mean(np.concatenate(preds) == y))

    def _record_epoch(self, bar=None):
        train_acc = self.check_accuracy(self.X_train, self.y_train, self.num_train_samples)
        val_acc = self.check_accuracy(self.X_val, self.y_val, self.num_val_samples)
        self.train_acc_history.append(train_acc)
        self.val_acc_history.append(val_acc)
        if val_acc > self.best_val_acc:
            self.best_val_acc = val_acc
            self.best_params = {k: v.copy() for k, v in self.model.params.items()}
        if bar is not None:
            bar.set_postfix(
                epoch=f"{self.epoch}/{self.num_epochs}", train_acc=f"{train_acc:.3f}", val_acc=f"{val_acc:.3f}"
            )
        if self.verbose:
            print(f"epoch {self.epoch} / {self.num_epochs}: train acc {train_acc:.3f}, val acc {val_acc:.3f}")

    def train(self):
        """Run num_epochs of minibatch updates; at the end the model holds the best validation parameters."""
        per_epoch = max(len(self.X_train) // self.batch_size, 1)
        total = per_epoch * self.num_epochs
        # On stdout: in Jupyter a bar on stderr sits on a red background, as if something failed.
        with tqdm(total=total, disable=not self.progress, unit="it", leave=True, file=sys.stdout) as bar:
            self._record_epoch(bar)
            for it in range(total):
                self._step(it, total)
                bar.update(1)
                if it % self.print_every == 0:
                    bar.set_postfix(
                        epoch=f"{self.epoch + 1}/{self.num_epochs}",
                        loss=f"{self.loss_history[-1]:.3f}",
                        val_acc=f"{self.val_acc_history[-1]:.3f}",
                    )
                if (it + 1) % per_epoch == 0:
                    self.epoch += 1
                    for config in self.optim_configs.values():
                        if "learning_rate" in config:
                            config["learning_rate"] *= self.lr_decay
                    self._record_epoch(bar)
        self.model.params = self.best_params
        return self
