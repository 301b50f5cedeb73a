"""Checks of 03_softmax/two_layer_net.ipynb (to be written)."""

__all__: list[str] = []
