"""Turn array-likes (numpy, torch, jax, lists) into numpy without importing those libraries."""

from __future__ import annotations

from typing import Any

import numpy as np


def is_array_like(value: Any) -> bool:
    """True for numpy arrays and anything that converts to one (torch/jax tensors, ...)."""
    return isinstance(value, np.ndarray) or hasattr(value, "__array__") or (
        hasattr(value, "numpy") and hasattr(value, "shape")
    )


def to_numpy(value: Any, *, name: str, copy: bool = True) -> np.ndarray:
    """Convert ``value`` to a numpy array, copying by default so later mutation can't leak in.

    torch tensors that need grad or live on a GPU are detached and moved to the CPU through
    their own methods, so torch itself is never imported here.
    """
    if isinstance(value, np.ndarray):
        return np.array(value, copy=True) if copy else value
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # torch.Tensor
        value = value.detach().cpu()
    if hasattr(value, "numpy") and not hasattr(value, "__array__"):
        value = value.numpy()
    try:
        array = np.array(value, copy=True) if copy else np.asarray(value)
    except Exception as exc:  # ragged lists, objects numpy can't read
        raise TypeError(
            f"{name}: expected an array-like (numpy array, tensor or nested list of numbers), "
            f"got {type(value).__name__}: {exc}"
        ) from None
    if array.dtype == object:
        raise TypeError(
            f"{name}: expected numbers, got an array of Python objects with shape {array.shape} "
            "(ragged nested lists?)"
        )
    return array
