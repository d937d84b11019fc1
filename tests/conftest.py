import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture
def no_smoke(monkeypatch):
    """Run a test in full mode whatever the caller's environment says."""
    monkeypatch.delenv("GAN_UTILS_SMOKE", raising=False)


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("classifier_cache")


@pytest.fixture
def cache(shared_cache, monkeypatch):
    """One classifier cache for the session: the mnist_5k classifier is trained once."""
    monkeypatch.setenv("GAN_UTILS_CACHE", str(shared_cache))
    return shared_cache


# Tests train on part of the 4,000 offline train digits: 1,408 = 22 batches of 64 or 44 of 32, so a
# test's epochs stay short and its step count is fixed.
TEST_DIGITS = 1408


@pytest.fixture(scope="session")
def mnist_5k_sigmoid():
    from gan_utils import data

    return data.load_dataset("mnist_5k", "train", value_range="sigmoid", smoke=False, max_samples=TEST_DIGITS)


def tiny_gan_models(image_shape=(28, 28, 1), latent_dim=16):
    """Report 001's architecture at a quarter of the width: same code path, 16x fewer FLOPs."""
    from gan_utils import models

    generator = models.keras_gan_generator(latent_dim, image_shape, filters=32)
    discriminator = models.keras_gan_discriminator(image_shape, filters=(32, 32))
    return generator, discriminator


@pytest.fixture
def tiny_gan():
    import keras

    from gan_utils import training

    keras.utils.set_random_seed(0)
    gan = training.GAN(*tiny_gan_models(), seed=0)
    gan.compile()
    return gan


def random_images(n=8, shape=(28, 28, 1), seed=0):
    return np.random.default_rng(seed).uniform(0, 1, (n, *shape)).astype(np.float32)
