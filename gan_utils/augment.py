"""Differentiable augmentation of the discriminator's inputs (Zhao et al. 2020, *Differentiable
Augmentation for Data-Efficient GAN Training*, "DiffAugment").

On a small dataset the discriminator memorises the real images and its verdicts stop being useful
to the generator. DiffAugment transforms **both** real and generated images, with the same random
policy, every time the discriminator sees them, in the discriminator's and in the generator's
losses; the transforms are differentiable, so the generator's gradient flows through them.
``GAN.compile(augment=("translation", "cutout"))`` turns it on; each function here takes a batch
(batch, height, width, channels) and a ``keras.random.SeedGenerator``.

Ratios as the paper's code: translation by up to 1/8 of the image size in each direction (zero
padding), cutout of a square half the image size at a random position.
"""

from __future__ import annotations

import keras
from keras import ops


def translation(images, seed_generator, ratio: float = 0.125):
    """Shift each image by a random whole number of pixels, up to ``ratio`` of its size, filling with 0."""
    height, width = int(images.shape[1]), int(images.shape[2])
    shift_y, shift_x = int(height * ratio + 0.5), int(width * ratio + 0.5)
    batch = ops.shape(images)[0]
    padded = ops.pad(images, [[0, 0], [shift_y, shift_y], [shift_x, shift_x], [0, 0]])
    offset_y = keras.random.randint((batch, 1), 0, 2 * shift_y + 1, seed=seed_generator)
    offset_x = keras.random.randint((batch, 1), 0, 2 * shift_x + 1, seed=seed_generator)
    rows = ops.arange(height)[None, :] + offset_y  # (batch, height): which padded rows to keep
    columns = ops.arange(width)[None, :] + offset_x
    picked = ops.take_along_axis(padded, rows[:, :, None, None], axis=1)
    return ops.take_along_axis(picked, columns[:, None, :, None], axis=2)


def cutout(images, seed_generator, ratio: float = 0.5):
    """Zero a square of ``ratio`` times the image size at a random position in each image."""
    height, width = int(images.shape[1]), int(images.shape[2])
    size_y, size_x = int(height * ratio + 0.5), int(width * ratio + 0.5)
    batch = ops.shape(images)[0]
    top = keras.random.randint((batch, 1, 1), 0, height - size_y + 1, seed=seed_generator)
    left = keras.random.randint((batch, 1, 1), 0, width - size_x + 1, seed=seed_generator)
    rows = ops.arange(height)[None, :, None]
    columns = ops.arange(width)[None, None, :]
    inside = (rows >= top) & (rows < top + size_y) & (columns >= left) & (columns < left + size_x)
    return images * ops.cast(ops.logical_not(inside), images.dtype)[..., None]


POLICIES = {"translation": translation, "cutout": cutout}


def check_policy(policy) -> tuple:
    """The policy as a tuple of known transform names (a string or a sequence of them)."""
    names = (policy,) if isinstance(policy, str) else tuple(policy or ())
    unknown = [name for name in names if name not in POLICIES]
    if unknown:
        raise ValueError(f"Unknown augmentation {unknown[0]!r}; accepted are {sorted(POLICIES)}.")
    return names


def diff_augment(images, policy, seed_generator):
    """Apply each transform of ``policy`` in order (a fresh random draw per image and per call)."""
    for name in check_policy(policy):
        images = POLICIES[name](images, seed_generator)
    return images
