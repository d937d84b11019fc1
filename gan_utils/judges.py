"""The judges a score is computed with: feature extractors, cached and keyed by their weights.

Extractors:
* ``classifier`` (default): a small CNN per dataset that gan_utils trains once and caches under
  ``~/.keras/gan_utils/``. Its penultimate layer gives the "Frechet classifier distance" (FCD);
  its logits the classifier score.
* ``inception``: ``keras.applications.InceptionV3`` with ImageNet weights, where its weights can be
  downloaded (Colab); without them ``feature_extractor`` says so and falls back to the classifier.
  It is not the 2015 TensorFlow Inception graph behind published FID tables: published numbers are
  context, not a like-for-like comparison.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from gan_utils import data, files
from gan_utils.smoke import smoke_mode


@dataclass
class FeatureExtractor:
    """Turns images (in ``value_range``) into activations and, where it can, class logits.
    ``fingerprint`` identifies the exact network (a hash of its weights): cached features are
    keyed by it, so features of one network are never served as another's."""

    name: str
    features: Callable[[np.ndarray], np.ndarray]
    logits: Callable[[np.ndarray], np.ndarray] | None = None
    fingerprint: str = ""


def weights_fingerprint(model) -> str:
    """A short hash of a model's weights (shapes and values): equal only for the same network."""
    digest = hashlib.sha1()
    for weight in model.get_weights():
        array = np.ascontiguousarray(weight)
        digest.update(f"{array.dtype}{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    """Where trained classifiers are kept: ``$GAN_UTILS_CACHE``; else ``RUN_ROOT/judges`` when
    RUN_ROOT is set (beside the runs, on Drive on Colab: a new runtime reuses the judge instead of
    retraining it); else ``~/.keras/gan_utils``."""
    if os.environ.get("GAN_UTILS_CACHE"):
        return Path(os.environ["GAN_UTILS_CACHE"])
    if os.environ.get(files.RUN_ROOT_ENV_VAR):
        return files.run_root() / "judges"
    return Path.home() / ".keras" / "gan_utils"


CLASSIFIER_EPOCHS = {"mnist_5k": 15, "mnist": 3, "fashion_mnist": 5, "cifar10": 15}
SMOKE_CLASSIFIER_EPOCHS = 3
SMOKE_CLASSIFIER_SAMPLES = 1500


def build_classifier(image_shape, n_classes: int = 10):
    """A small CNN (about 100k parameters); its 128-unit "embedding" layer gives the features."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=tuple(image_shape), name="image")
    x = inputs
    for filters in (32, 64, 128):
        # No batch norm: its moving statistics lag behind on small data and short training.
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D()(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.3)(x)
    embedding = layers.Dense(128, activation="relu", name="embedding")(x)
    logits = layers.Dense(n_classes, name="logits")(embedding)
    model = keras.Model(inputs, logits, name="classifier")
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


LOADED_JUDGES = {}  # path -> (file stamp, model): one model per judge file in a runtime


def loaded_judge(path: Path):
    """The judge saved at ``path``, loaded once and again only when the file changes (a retrained
    judge): one model per judge keeps Keras from tracing its predict function anew at every score."""
    import keras

    stamp = (path.stat().st_mtime_ns, path.stat().st_size)
    if LOADED_JUDGES.get(path, (None,))[0] != stamp:
        LOADED_JUDGES[path] = (stamp, keras.models.load_model(path))
    return LOADED_JUDGES[path][1]


def dataset_classifier(dataset: str, smoke: bool | None = None, epochs: int | None = None, verbose: int = 0,
                       seed: int = 0):
    """The cached classifier of a dataset (images in [0, 1]), trained on first use (from ``seed``).

    Returns (model, test_accuracy). In smoke mode every dataset is the MNIST-digits stand-in at
    that dataset's shape, so one cache entry per shape (``smoke_28x28x1``) serves them all; it
    trains for a few epochs on part of the digits only.
    """
    import keras

    smoke = smoke_mode() if smoke is None else smoke
    info = data.dataset_info(dataset)
    key = f"smoke_{'x'.join(map(str, info.image_shape))}" if smoke else dataset
    path = cache_dir() / f"classifier_{key}.keras"
    accuracy_path = path.with_suffix(".accuracy.txt")
    if path.exists() and accuracy_path.exists():
        return loaded_judge(path), float(accuracy_path.read_text())
    train_x, train_y = data.load_dataset(dataset, "train", "sigmoid", smoke=smoke,
                                         max_samples=SMOKE_CLASSIFIER_SAMPLES if smoke else None)
    test_x, test_y = data.load_dataset(dataset, "test", "sigmoid", smoke=smoke)
    if epochs is None:
        epochs = SMOKE_CLASSIFIER_EPOCHS if smoke else CLASSIFIER_EPOCHS[dataset]
    keras.utils.set_random_seed(seed)
    model = build_classifier(info.image_shape, len(info.class_names))
    print(f"Training the {key} classifier for the metrics ({epochs} epochs; cached in {path}) ...")
    model.fit(train_x, train_y, batch_size=64, epochs=epochs, verbose=verbose, validation_split=0.0)
    accuracy = float(model.evaluate(test_x, test_y, verbose=0)[1])
    with files.atomic_path(path) as temporary:
        model.save(temporary)
    with files.atomic_path(accuracy_path) as temporary:
        temporary.write_text(f"{accuracy:.6f}")
    return model, accuracy


def classifier_name(dataset: str, test_accuracy: float, smoke: bool | None = None) -> str:
    """How a number's judge is named next to it: the dataset's classifier (the MNIST-digits stand-in
    in smoke mode) with its test accuracy."""
    key = f"smoke-mode {dataset} (MNIST digits)" if (smoke_mode() if smoke is None else smoke) else dataset
    return f"{key} classifier (test accuracy {test_accuracy:.1%})"


def to_unit_range(images, value_range) -> np.ndarray:
    """Images from ``value_range`` to [0, 1], the range the cached classifiers are trained on."""
    low, high = data.resolve_value_range(value_range)
    return (np.asarray(images, np.float32) - low) / (high - low)


@functools.lru_cache(maxsize=8)
def embedding_model(classifier):
    """A classifier's embedding and logits as one model, built once per classifier."""
    import keras

    return keras.Model(classifier.inputs[0], [classifier.get_layer("embedding").output, classifier.output])


def classifier_extractor(dataset: str, value_range, smoke: bool | None = None, batch_size: int = 256) -> FeatureExtractor:
    """Features (128-d embedding) and logits of the dataset's cached classifier."""
    model, accuracy = dataset_classifier(dataset, smoke)
    embed = embedding_model(model)

    def run(images):
        features, logits = embed.predict(to_unit_range(images, value_range), batch_size=batch_size, verbose=0)
        return features, logits

    return FeatureExtractor(
        name=classifier_name(dataset, accuracy, smoke),
        features=lambda images: run(images)[0],
        logits=lambda images: run(images)[1],
        fingerprint=weights_fingerprint(model),
    )


def inception_extractor(value_range, batch_size: int = 64) -> FeatureExtractor:
    """InceptionV3 (ImageNet weights) pool features at 299x299, the standard FID network.
    Raises RuntimeError with the reason when the weights cannot be loaded (no internet)."""
    import keras
    import tensorflow as tf

    try:
        network = keras.applications.InceptionV3(include_top=False, pooling="avg", weights="imagenet")
    except Exception as error:  # a failed download raises plain Exception in keras' get_file
        raise RuntimeError(f"InceptionV3's ImageNet weights could not be loaded ({type(error).__name__}: {error}).") from error
    low, high = data.resolve_value_range(value_range)

    def features(images):
        outputs = []
        for start in range(0, len(images), batch_size):
            batch = (np.asarray(images[start : start + batch_size], np.float32) - low) / (high - low)
            if batch.shape[-1] == 1:
                batch = np.repeat(batch, 3, axis=-1)
            batch = tf.image.resize(batch * 255.0, (299, 299), method="bilinear")
            batch = keras.applications.inception_v3.preprocess_input(batch)
            outputs.append(network(batch, training=False).numpy())
        return np.concatenate(outputs)

    return FeatureExtractor(name="InceptionV3 (ImageNet) pool3", features=features, fingerprint=weights_fingerprint(network))


EXTRACTORS = ("classifier", "inception")


def feature_extractor(kind: str, dataset: str, value_range, smoke: bool | None = None) -> FeatureExtractor:
    """The named extractor; "inception" falls back to the classifier, with a message, when the
    ImageNet weights cannot be had."""
    if kind not in EXTRACTORS:
        raise ValueError(f"Unknown feature extractor {kind!r}; accepted are {list(EXTRACTORS)}.")
    if kind == "inception":
        try:
            return inception_extractor(value_range)
        except RuntimeError as error:
            print(f"{error} Falling back to the {dataset} classifier: numbers are Frechet classifier "
                  "distances, not FIDs, and not comparable with published FIDs.")
    return classifier_extractor(dataset, value_range, smoke)
