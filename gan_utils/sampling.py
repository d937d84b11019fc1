"""Drawing images from a trained GAN: fixed latent points, batched generation, sample-grid inputs.

Kept apart from the training core (``training.GAN``), which only trains; ``GAN.generate`` and
``GAN.sample`` are one-line shortcuts to the functions here.
"""

from __future__ import annotations

from typing import NamedTuple

import keras
import numpy as np


def latent_points(n: int, latent_dim: int, seed: int = 0) -> np.ndarray:
    """n standard-normal latent points from a fixed NumPy seed (the same points on every call)."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def generate(gan, noise, labels=None, batch_size: int = 256) -> np.ndarray:
    """Images for the given latent points (and, for a conditional GAN, the requested classes:
    ``labels`` of shape (n,)) in inference mode as a NumPy array, ``batch_size`` at a time so
    that 10,000 samples for a metric fit in memory."""
    noise = np.asarray(noise, dtype=np.float32)
    if noise.ndim != 2 or noise.shape[1] != gan.latent_dim:
        raise ValueError(f"noise must have shape (n, {gan.latent_dim}), got {noise.shape}.")
    if gan.conditional:
        if labels is None:
            raise ValueError(
                f"This GAN is conditional: generate needs labels (integers in 0..{gan.n_classes - 1}), "
                "one per latent point."
            )
        labels = gan.check_labels(labels, len(noise))
    elif labels is not None:
        raise ValueError("This GAN is unconditional: generate takes no labels.")
    batches = []
    for start in range(0, len(noise), batch_size):
        inputs = keras.ops.convert_to_tensor(noise[start : start + batch_size])
        if gan.conditional:
            inputs = [inputs, keras.ops.convert_to_tensor(labels[start : start + batch_size].reshape(-1, 1))]
        # The generator's weight average when the GAN keeps one (``modern.WeightAverage``).
        network = getattr(gan, "sampling_generator", gan.generator)
        batches.append(keras.ops.convert_to_numpy(network(inputs, training=False)))
    return np.concatenate(batches)


def sample(gan, n: int, seed: int = 0, labels=None) -> np.ndarray:
    """n images from n fixed-seed latent points; a conditional GAN's classes default to
    0, 1, ..., n_classes-1, 0, 1, ... (balanced)."""
    if gan.conditional and labels is None:
        labels = np.arange(n) % gan.n_classes
    return generate(gan, latent_points(n, gan.latent_dim, seed), labels)


class GridInputs(NamedTuple):
    noise: np.ndarray
    labels: np.ndarray | None
    columns: int


def grid_inputs(gan, n: int, seed: int = 0) -> GridInputs:
    """Fixed latent points (and labels) for an n-image sample grid.

    Unconditional: n points in a square-ish grid. Conditional: one row per class and n //
    n_classes columns; the columns share a latent point, so a column shows one "style" in every
    class.
    """
    if not gan.conditional:
        return GridInputs(latent_points(n, gan.latent_dim, seed), None, int(np.ceil(np.sqrt(n))))
    if n < gan.n_classes or n % gan.n_classes:
        raise ValueError(
            f"A conditional sample grid has one row per class: n must be a multiple of "
            f"n_classes={gan.n_classes}, got {n}."
        )
    columns = n // gan.n_classes
    noise = np.tile(latent_points(columns, gan.latent_dim, seed), (gan.n_classes, 1))
    return GridInputs(noise, np.repeat(np.arange(gan.n_classes, dtype=np.int32), columns), columns)


def default_grid_size(gan) -> int:
    """16 images (the tutorial's 4x4) or, for a conditional GAN, n_classes rows of n_classes."""
    return gan.n_classes**2 if gan.conditional else 16
