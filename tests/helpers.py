"""Helpers the tests share (imported as ``helpers``; fixtures stay in conftest.py)."""

import numpy as np

# Tests train on part of the 4,000 offline train digits: 1,408 = 22 batches of 64 or 44 of 32, so a
# test's epochs stay short and its step count is fixed.
TEST_DIGITS = 1408


def tiny_gan_models(image_shape=(28, 28, 1), latent_dim=16):
    """Report 001's architecture at a quarter of the width: same code path, 16x fewer FLOPs."""
    from gan_utils import models

    generator = models.keras_gan_generator(latent_dim, image_shape, filters=32)
    discriminator = models.keras_gan_discriminator(image_shape, filters=(32, 32))
    return generator, discriminator


def random_images(n=8, shape=(28, 28, 1), seed=0):
    return np.random.default_rng(seed).uniform(0, 1, (n, *shape)).astype(np.float32)
