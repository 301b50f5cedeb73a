"""Checks of 04_cnn_layers/batchnorm_dropout.ipynb (to be written)."""

__all__: list[str] = []
