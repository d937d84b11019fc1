"""Measuring GANs: Frechet distance, KID and the classifier (inception-style) score, and the
scoring protocol: the real-vs-real floor every score is read against.

* Frechet distance: Heusel et al. 2017, *GANs Trained by a Two Time-Scale Update Rule Converge to
  a Local Nash Equilibrium* (FID).
* Kernel distance (KID): Bińkowski et al. 2018, *Demystifying MMD GANs*.
* Classifier score: Salimans et al. 2016, *Improved Techniques for Training GANs* (the inception
  score), computed from any classifier's logits.

The distances are computed from activations, as TF-GAN's eval module does, so any network can
supply them. Numbers from different extractors are not comparable: every score carries the name
of its extractor and its sample counts, and ``format_scores`` prints them next to the number.

The extractors that feed them, cached and fingerprinted, live in ``judges``; this module holds the
maths and the scoring protocol (the real-vs-real floor every score is read against, the counts).
"""

from __future__ import annotations

import hashlib
from typing import Callable

import numpy as np

from gan_utils import data, files
from gan_utils.judges import (  # noqa: F401 (the judges, where the notebooks have always found them)
    CLASSIFIER_EPOCHS,
    EXTRACTORS,
    FeatureExtractor,
    build_classifier,
    cache_dir,
    classifier_extractor,
    classifier_name,
    dataset_classifier,
    feature_extractor,
    inception_extractor,
    to_unit_range,
    weights_fingerprint,
)
from gan_utils.smoke import smoke_mode


def _activations(activations, name) -> np.ndarray:
    array = np.asarray(activations, dtype=np.float64)
    if array.ndim != 2 or array.shape[0] < 2:
        raise ValueError(f"{name} must have shape (n >= 2, features), got {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contain NaN or infinite values.")
    return array


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    """Square root of a symmetric positive semi-definite matrix; tiny negative eigenvalues from
    round-off are set to zero."""
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_distance(activations_a, activations_b) -> float:
    """Frechet distance between Gaussians fitted to two sets of activations (rows = samples).

    ||mu_a - mu_b||^2 + tr(S_a + S_b - 2 (S_a S_b)^(1/2)), in float64 with unbiased covariances.
    tr((S_a S_b)^(1/2)) is computed as tr((S_a^(1/2) S_b S_a^(1/2))^(1/2)), a symmetric PSD matrix
    whose eigenvalues are real and non-negative: stable when the covariances are near-singular
    (fewer samples than features), where a general ``sqrtm`` returns complex round-off.
    """
    a = _activations(activations_a, "activations_a")
    b = _activations(activations_b, "activations_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"Activations have {a.shape[1]} and {b.shape[1]} features; they must match.")
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root_a = _sqrt_psd(cov_a)
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0.0, None)).sum()
    distance = np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2.0 * cross
    return float(max(distance, 0.0))


def _polynomial_kernel(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def kernel_distance(activations_a, activations_b, n_subsets: int = 10, subset_size: int = 1000, seed: int = 0):
    """Kernel (inception) distance: the unbiased MMD^2 with the cubic polynomial kernel
    k(x, y) = (x.y / d + 1)^3, averaged over ``n_subsets`` random subsets of ``subset_size``.
    Returns (mean, standard deviation over the subsets). When the subsets would be the whole sets
    (``subset_size`` at least both counts) there is one estimate and no spread: the deviation is NaN."""
    a = _activations(activations_a, "activations_a")
    b = _activations(activations_b, "activations_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"Activations have {a.shape[1]} and {b.shape[1]} features; they must match.")
    size = min(subset_size, len(a), len(b))
    whole = size == len(a) == len(b)
    rng = np.random.default_rng(seed)
    estimates = []
    for _ in range(1 if whole else n_subsets):
        x = a if whole else a[rng.choice(len(a), size, replace=False)]
        y = b if whole else b[rng.choice(len(b), size, replace=False)]
        k_xx, k_yy, k_xy = _polynomial_kernel(x, x), _polynomial_kernel(y, y), _polynomial_kernel(x, y)
        off_diagonal = size * (size - 1)
        estimates.append(
            (k_xx.sum() - np.trace(k_xx)) / off_diagonal
            + (k_yy.sum() - np.trace(k_yy)) / off_diagonal
            - 2.0 * k_xy.mean()
        )
    return float(np.mean(estimates)), (float("nan") if whole else float(np.std(estimates)))


def classifier_score(logits, n_splits: int = 10):
    """The inception score from any classifier's logits: exp(E_x KL(p(y|x) || p(y))), averaged
    over ``n_splits`` splits. 1 for uninformative predictions, up to the number of classes for
    confident predictions spread evenly over the classes. Returns (mean, standard deviation)."""
    logits = _activations(logits, "logits")
    shifted = logits - logits.max(axis=1, keepdims=True)
    probabilities = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    scores = []
    for part in np.array_split(probabilities, min(n_splits, len(probabilities))):
        marginal = part.mean(axis=0, keepdims=True)
        kl = np.sum(part * (np.log(part + 1e-12) - np.log(marginal + 1e-12)), axis=1)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores)), float(np.std(scores))


# ---------------------------------------------------------------------------------------------
def score_images(real_images, fake_images, extractor: FeatureExtractor, kid_subset_size: int = 1000) -> dict:
    """Frechet distance, KID (mean, std) and, if the extractor has logits, the classifier score of
    the fakes, with the extractor's name and the sample counts."""
    return score_against_features(extractor.features(real_images), fake_images, extractor, kid_subset_size)


def score_against_features(real_features, fake_images, extractor: FeatureExtractor, kid_subset_size: int = 1000) -> dict:
    """``score_images`` with the real images' features already extracted (``real_side`` caches them)."""
    fake_features = extractor.features(fake_images)
    kid, kid_std = kernel_distance(real_features, fake_features, subset_size=kid_subset_size)
    scores = {
        "extractor": extractor.name,
        "n_real": int(len(real_features)),
        "n_fake": int(len(fake_images)),
        "frechet_distance": frechet_distance(real_features, fake_features),
        "kid": kid,
        "kid_std": kid_std if np.isfinite(kid_std) else None,  # None: one estimate on the whole sets
    }
    if extractor.logits is not None:
        scores["classifier_score"], scores["classifier_score_std"] = classifier_score(extractor.logits(fake_images))
    return scores


def default_sample_count(dataset: str, smoke: bool) -> int:
    """Samples per side: 256 in smoke mode, the 1,000 held-out digits for ``mnist_5k``, else
    10,000 (the field's minimum for a reported FID)."""
    if smoke:
        return 256
    return data.MNIST_5K_TEST_SIZE if dataset == data.OFFLINE_DATASET else 10_000


def reference_images(dataset: str, value_range, n: int, smoke: bool, seed: int = 0):
    """(reference, other_real, description): ``n`` real images to score against (the test split
    first, train images only where the test split is smaller than ``n``), up to ``n`` further real
    train images that are not among them (for the real-vs-real floor), and a phrase naming the
    reference split."""
    rng = np.random.default_rng(seed)
    test, _ = data.load_dataset(dataset, "test", value_range, smoke=smoke)
    train, _ = data.load_dataset(dataset, "train", value_range, smoke=smoke)
    test, train = test[rng.permutation(len(test))], train[rng.permutation(len(train))]
    if len(test) + len(train) < 2 * n:
        raise ValueError(
            f"A score of {n} generated images needs {2 * n} real {dataset} images ({n} to score against and {n} "
            f"more for the real-vs-real floor); this split has {len(test)} test + {len(train)} train = "
            f"{len(test) + len(train)}. Ask for at most {(len(test) + len(train)) // 2} samples."
        )
    used_train = max(0, n - len(test))
    reference = np.concatenate([test[:n], train[:used_train]])
    description = f"{dataset} test split" + (f" + {used_train} train images" if used_train else "")
    return reference, train[used_train : used_train + n], description


def score_generator(generate: Callable[[int], np.ndarray], dataset: str, value_range, n: int | None = None,
                    extractor: str = "classifier", smoke: bool | None = None, seed: int = 0) -> dict:
    """Score a generator against ``n`` real images of the dataset (``reference_images``), beside
    the real-vs-real floor: the same distance between the reference and as many other real images.
    ``generate(count)`` returns images in ``value_range``; ``n`` defaults to
    ``default_sample_count``. Prints the result with its protocol (extractor, sample counts, floor
    ratio) and returns it, ``floor`` and ``floor_ratio`` included."""
    smoke = smoke_mode() if smoke is None else smoke
    n = n or default_sample_count(dataset, smoke)
    features = feature_extractor(extractor, dataset, value_range, smoke)
    real = real_side(dataset, value_range, n, smoke, seed, features)
    scores = score_against_features(real["features"], generate(n), features)
    scores["floor"] = real["floor"]
    scores["n_floor"] = n
    scores["floor_ratio"] = scores["frechet_distance"] / max(scores["floor"], 1e-12)
    scores["reference"] = real["description"]
    print(format_scores(scores, smoke))
    return scores


def real_side(dataset: str, value_range, n: int, smoke: bool, seed: int, features: FeatureExtractor) -> dict:
    """The real half of a score, paid once: the reference images' features, the real-vs-real floor
    and the reference's description, for one dataset, value range, extractor, sample count, seed
    and mode. Cached under ``RUN_ROOT/score_cache`` (on Drive when RUN_ROOT is), so every later
    score in any notebook extracts only its generated images. The key holds the extractor's
    weight fingerprint, not only its name: a judge retrained in a new runtime (another seed, or a
    GPU's other rounding) gets its own features, never another judge's."""
    if not features.fingerprint:
        raise ValueError(f"The extractor {features.name!r} has no weight fingerprint; cached features need one "
                         "(FeatureExtractor(fingerprint=metrics.weights_fingerprint(model))).")
    low, high = data.resolve_value_range(value_range)
    key = f"{dataset}|{low:g},{high:g}|{features.name}|{features.fingerprint}|{n}|{seed}|{'smoke' if smoke else 'full'}"
    path = files.run_root() / "score_cache" / f"{dataset}_{n}_{hashlib.sha1(key.encode()).hexdigest()[:12]}.npz"
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as stored:
                if str(stored["key"]) == key:
                    return {"features": stored["features"], "floor": float(stored["floor"]),
                            "description": str(stored["description"])}
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache file is recomputed and replaced
    reference, other_real, description = reference_images(dataset, value_range, n, smoke, seed)
    reference_features = features.features(reference)
    floor = frechet_distance(reference_features, features.features(other_real))
    with files.atomic_path(path) as temporary:
        with open(temporary, "wb") as handle:
            np.savez(handle, key=key, features=reference_features, floor=floor, description=description)
    return {"features": reference_features, "floor": floor, "description": description}


def class_accuracy(gan, dataset: str, value_range, n_per_class: int = 100, smoke: bool | None = None, seed: int = 0) -> dict:
    """How often the dataset's separately trained classifier (``dataset_classifier``) puts a
    conditional GAN's images in the class they were requested for: the check that conditioning
    works, with chance at 1 / n_classes.

    Returns accuracy, per-class accuracy, the confusion matrix (rows: requested class, columns:
    predicted class), the number of images and the classifier's name."""
    from sklearn.metrics import confusion_matrix

    from gan_utils.sampling import latent_points

    if not getattr(gan, "conditional", False):
        raise ValueError("class_accuracy needs a conditional GAN (its generator takes labels).")
    model, test_accuracy = dataset_classifier(dataset, smoke)
    n_classes = int(model.output_shape[-1])
    if n_classes != gan.n_classes:
        raise ValueError(f"The {dataset} classifier has {n_classes} classes but the GAN has {gan.n_classes}.")
    requested = np.repeat(np.arange(n_classes), n_per_class)
    images = gan.generate(latent_points(len(requested), gan.latent_dim, seed), requested)
    predicted = model.predict(to_unit_range(images, value_range), batch_size=256, verbose=0).argmax(-1)
    confusion = confusion_matrix(requested, predicted, labels=np.arange(n_classes))
    return {
        "accuracy": float(np.mean(predicted == requested)),
        "per_class": confusion.diagonal() / n_per_class,
        "confusion": confusion,
        "n": int(len(requested)),
        "classifier": classifier_name(dataset, test_accuracy, smoke),
    }


def class_balance(images, dataset: str, value_range, smoke: bool | None = None) -> dict:
    """The share of each class among (unconditional) generated images, judged by the dataset's
    classifier, and the largest share over the smallest: 1 for perfectly balanced classes,
    infinite when a class is never drawn (a symptom of mode collapse on a class-balanced dataset).

    Returns shares (per class), ratio, the number of images and the classifier's name."""
    import keras

    model, test_accuracy = dataset_classifier(dataset, smoke)
    n_classes = int(model.output_shape[-1])
    images = to_unit_range(images, value_range)
    # Called directly (not predict): predict retraces, and warns, for every new number of images.
    predicted = np.concatenate([keras.ops.convert_to_numpy(model(images[start : start + 256], training=False)).argmax(-1)
                                for start in range(0, len(images), 256)])
    shares = np.bincount(predicted, minlength=n_classes) / len(predicted)
    ratio = float(shares.max() / shares.min()) if shares.min() > 0 else float("inf")
    return {"shares": shares, "ratio": ratio, "n": int(len(predicted)),
            "classifier": classifier_name(dataset, test_accuracy, smoke)}


def format_scores(scores: dict, smoke: bool = False) -> str:
    text = f"Frechet distance {scores['frechet_distance']:.3f}, KID {scores['kid']:.4f}"
    if scores.get("kid_std") is not None:  # a spread only where subsets were drawn
        text += f" ± {scores['kid_std']:.4f}"
    if "classifier_score" in scores:
        text += f", classifier score {scores['classifier_score']:.2f}"
    if "floor" in scores:
        text += f" = {scores['floor_ratio']:.1f}x the real-vs-real floor {scores['floor']:.3f}"
    reference = f" ({scores['reference']})" if "reference" in scores else ""
    text += f"  [{scores['extractor']}; {scores['n_real']} real{reference} vs {scores['n_fake']} generated"
    if "floor" in scores:
        text += f"; floor: the same real images vs {scores['n_floor']} other real ones"
    text += "]"
    if smoke:
        text += "  (smoke mode: few samples, a briefly trained model; not a result)"
    return text
