"""The reports' experiments as tested functions: pixel and latent arithmetic, interpolation,
nearest neighbours (memorisation), discriminator features for a linear SVM, and interpolation
between two classes of a conditional generator.

The label-swap experiment trains ``training.GAN(..., real_label=0, fake_label=1)``;
``mirrored_label_swap`` shows why that changes nothing but the sign of the discriminator's logit.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from gan_utils.data import check_images, resolve_value_range

INTERPOLATIONS = ("linear", "slerp")
ARITHMETIC_MODES = ("clip", "rescale")


def mirrored_label_swap(gan, optimizers=None):
    """A GAN with real = 0 / fake = 1 whose discriminator is the given one with its logit negated
    (the last Dense layer's weights and bias times -1), sharing the generator and the seed.

    Binary cross-entropy satisfies BCE(1 - y, -x) = BCE(y, x), so this GAN computes exactly the
    same losses and gradients as the original: trained from the same state, both follow the same
    trajectory, step for step. ``optimizers`` is a (d, g) pair; fresh Adam 2e-4 / 0.5 by default.
    """
    from gan_utils import training

    logit = gan.discriminator.layers[-1]
    logit.set_weights([-w for w in logit.get_weights()])
    swapped = type(gan)(gan.generator, gan.discriminator, real_label=gan.fake_label,
                        fake_label=gan.real_label, seed=gan.seed_generator.get_config()["seed"])
    d_optimizer, g_optimizer = optimizers or (training.adam(), training.adam())
    swapped.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer)
    return swapped


def slerp(start: np.ndarray, end: np.ndarray, t: float) -> np.ndarray:
    """Spherical interpolation between two latent vectors: follows the great circle, so the
    norm stays typical of a Gaussian sample instead of shrinking mid-way as a straight line does."""
    start, end = np.asarray(start, np.float64), np.asarray(end, np.float64)
    cos_angle = np.dot(start, end) / (np.linalg.norm(start) * np.linalg.norm(end))
    angle = np.arccos(np.clip(cos_angle, -1.0, 1.0))
    if angle < 1e-6:  # (nearly) parallel: the straight line is the arc
        return (1 - t) * start + t * end
    return (np.sin((1 - t) * angle) * start + np.sin(t * angle) * end) / np.sin(angle)


def interpolate(start, end, steps: int = 10, method: str = "slerp") -> np.ndarray:
    """``steps`` latent points from ``start`` to ``end`` (both included), float32 (steps, dim)."""
    if method not in INTERPOLATIONS:
        raise ValueError(f"Unknown interpolation {method!r}; accepted are {list(INTERPOLATIONS)}.")
    if steps < 2:
        raise ValueError(f"steps must be at least 2, got {steps}.")
    start, end = np.asarray(start, np.float64).ravel(), np.asarray(end, np.float64).ravel()
    if start.shape != end.shape:
        raise ValueError(f"start and end must have the same size, got {start.shape} and {end.shape}.")
    ts = np.linspace(0.0, 1.0, steps)
    if method == "linear":
        points = [(1 - t) * start + t * end for t in ts]
    else:
        points = [slerp(start, end, t) for t in ts]
    return np.stack(points).astype(np.float32)


def class_mean_latents(generate: Callable, classify: Callable, latent_dim: int, n: int = 2000,
                       min_confidence: float = 0.9, seed: int = 0):
    """Average latent vector of each class, the classes judged by a classifier, not by hand.

    Draws ``n`` latent points, generates images with ``generate(latents)``, classifies them with
    ``classify(images)`` (logits), and averages the latents of each class over the samples
    classified with probability at least ``min_confidence``. Returns ({class: mean latent},
    {class: count}); classes with no confident sample are left out.
    """
    from gan_utils.sampling import latent_points

    latents = latent_points(n, latent_dim, seed)
    logits = np.asarray(classify(generate(latents)), np.float64)
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    predicted, confidence = probabilities.argmax(axis=1), probabilities.max(axis=1)
    means, counts = {}, {}
    for label in np.unique(predicted):
        chosen = (predicted == label) & (confidence >= min_confidence)
        if chosen.any():
            means[int(label)] = latents[chosen].mean(axis=0)
            counts[int(label)] = int(chosen.sum())
    return means, counts


def class_interpolation(generator, noise, start_class: int, end_class: int, steps: int = 10) -> np.ndarray:
    """Images of one latent point while the label moves from ``start_class`` to ``end_class``.

    A label is a row of the generator's "label_embedding" table, so "between two classes" means
    between their embedding vectors: the generator is re-entered just after that layer with
    ``steps`` linear blends of the two rows, at the same ``noise`` (shape (latent_dim,)).
    """
    import keras

    try:
        embedding = generator.get_layer("label_embedding")
    except ValueError:
        raise ValueError(
            "class_interpolation needs a conditional generator with a 'label_embedding' layer "
            "(models.conditional_dcgan_generator or models.acgan_generator)."
        ) from None
    n_classes = int(embedding.input_dim)
    for name, value in (("start_class", start_class), ("end_class", end_class)):
        if not isinstance(value, (int, np.integer)) or not 0 <= value < n_classes:
            raise ValueError(f"{name} must be a class index in 0..{n_classes - 1}, got {value!r}.")
    if steps < 2:
        raise ValueError(f"steps must be at least 2, got {steps}.")
    latent_dim = int(generator.inputs[0].shape[-1])
    noise = np.asarray(noise, np.float32).reshape(-1)
    if noise.shape != (latent_dim,):
        raise ValueError(f"noise must be one latent point of shape ({latent_dim},), got {np.shape(noise)}.")
    table = keras.ops.convert_to_numpy(embedding.embeddings)
    weights = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    blended = (1.0 - weights) * table[start_class] + weights * table[end_class]
    after_embedding = keras.Model([generator.inputs[0], embedding.output], generator.outputs[0])
    images = after_embedding([np.repeat(noise[None], steps, axis=0), blended[:, None, :]], training=False)
    return keras.ops.convert_to_numpy(images)


def pixel_arithmetic(first, second, operation: str = "+", value_range="sigmoid", mode: str = "clip") -> np.ndarray:
    """x1 + x2 or x1 - x2 of two image batches, brought back into ``value_range`` explicitly.

    "clip" cuts the result at the range's ends (bright + bright stays white, dark - bright stays
    black); "rescale" maps the result's own minimum and maximum onto the range, per image, so the
    overlap of the two images shows as mid-grey: report 000's "superimposed" look.
    """
    if operation not in ("+", "-"):
        raise ValueError(f"Unknown operation {operation!r}; accepted are ['+', '-'].")
    if mode not in ARITHMETIC_MODES:
        raise ValueError(f"Unknown mode {mode!r}; accepted are {list(ARITHMETIC_MODES)}.")
    a, b = check_images(first, name="first").astype(np.float32), check_images(second, name="second").astype(np.float32)
    if a.shape != b.shape:
        raise ValueError(f"The two batches must have the same shape, got {a.shape} and {b.shape}.")
    low, high = resolve_value_range(value_range)
    result = a + b if operation == "+" else a - b
    if mode == "clip":
        return np.clip(result, low, high)
    axes = tuple(range(1, result.ndim))
    smallest, largest = result.min(axis=axes, keepdims=True), result.max(axis=axes, keepdims=True)
    return (low + (result - smallest) / np.maximum(largest - smallest, 1e-12) * (high - low)).astype(np.float32)


def nearest_neighbours(queries, references, k: int = 1, features: Callable | None = None):
    """Euclidean nearest neighbours of each query among the references, in pixel space or in the
    space of ``features(images)`` (e.g. a classifier's embedding). Returns (distances, indices),
    each of shape (n_queries, k)."""
    from sklearn.neighbors import NearestNeighbors

    transform = features or (lambda images: np.asarray(images, np.float32).reshape(len(images), -1))
    reference_vectors, query_vectors = transform(references), transform(queries)
    if k > len(reference_vectors):
        raise ValueError(f"k={k} is more than the {len(reference_vectors)} references.")
    index = NearestNeighbors(n_neighbors=k).fit(reference_vectors)
    distances, indices = index.kneighbors(query_vectors)
    return distances, indices


def discriminator_features(discriminator, images, pooled_size: int = 4, batch_size: int = 256) -> np.ndarray:
    """The DCGAN paper's feature extractor: every convolutional layer's output (before the activation
    layer that follows it) of a discriminator, max-pooled to ``pooled_size`` x ``pooled_size``,
    flattened and concatenated."""
    import keras
    import tensorflow as tf

    conv_outputs = [layer.output for layer in discriminator.layers if isinstance(layer, keras.layers.Conv2D)]
    if not conv_outputs:
        raise ValueError(f"{discriminator.name} has no Conv2D layers to take features from.")
    probe = keras.Model(discriminator.inputs[0], conv_outputs)
    features = []
    for start in range(0, len(images), batch_size):
        outputs = probe(np.asarray(images[start : start + batch_size], np.float32), training=False)
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        pooled = []
        for output in outputs:
            size = output.shape[1]
            window = max(1, size // pooled_size)
            pooled.append(tf.reshape(tf.nn.max_pool2d(output, window, window, "VALID"), (output.shape[0], -1)))
        features.append(tf.concat(pooled, axis=1).numpy())
    return np.concatenate(features)


def linear_svm_accuracy(train_features, train_labels, test_features, test_labels, c: float = 0.01, seed: int = 0) -> float:
    """Test accuracy of an L2-regularised linear SVM (scikit-learn's LinearSVC on standardised
    features), the classifier report 001's table puts on top of DCGAN features."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import LinearSVC

    model = make_pipeline(StandardScaler(), LinearSVC(C=c, max_iter=5000, random_state=seed))
    model.fit(train_features, train_labels)
    return float(model.score(test_features, test_labels))
