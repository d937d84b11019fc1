import fcntl
import os
from pathlib import Path

import pytest

from helpers import TEST_DIGITS, tiny_gan_models

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture
def no_smoke(monkeypatch):
    """Run a test in full mode whatever the caller's environment says."""
    monkeypatch.delenv("GAN_UTILS_SMOKE", raising=False)


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory):
    """One classifier cache for the whole run, shared by pytest-xdist's workers: the first worker
    that needs it trains the mnist_5k classifier (about 30 s) while the other waits on a lock."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the workers' common temporary folder
    # The notebooks' judges (conftest.py at the root sets it under make test), so that the mnist_5k
    # judge trains once for the notebooks and the tests together.
    path = Path(os.environ["GAN_UTILS_CACHE"]) if os.environ.get("GAN_UTILS_CACHE") else base / "classifier_cache"
    path.mkdir(parents=True, exist_ok=True)
    with open(base / "classifier_cache.lock", "w") as lock, pytest.MonkeyPatch.context() as patch:
        fcntl.flock(lock, fcntl.LOCK_EX)
        patch.setenv("GAN_UTILS_CACHE", str(path))
        from gan_utils import metrics

        metrics.dataset_classifier("mnist_5k", smoke=False)
    return path


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
