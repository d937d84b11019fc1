import os

import pytest

from helpers import TEST_DIGITS, tiny_gan_models

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


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


@pytest.fixture(scope="session")
def mnist_5k_sigmoid():
    from gan_utils import data

    return data.load_dataset("mnist_5k", "train", value_range="sigmoid", smoke=False, max_samples=TEST_DIGITS)


@pytest.fixture
def tiny_gan():
    import keras

    from gan_utils import training

    keras.utils.set_random_seed(0)
    gan = training.GAN(*tiny_gan_models(), seed=0)
    gan.compile()
    return gan
