"""Why a generator goes black: its tanh output, measured while it trains.

A tanh generator whose pixels sit near -1 or +1 gets almost no gradient back through its last
activation (tanh'(a) = 1 - tanh(a)^2 = 1 - x^2, where x is the pixel), so once it has fallen there
it stays. ``saturation`` measures that on a batch of images; ``GeneratorHealth`` records it, with
the generator's gradient norm and the discriminator's accuracies, every few steps of ``fit``
(notebook 10 and the failure gallery, notebook 12, plot it for report 004's conditional DCGAN).
"""

from __future__ import annotations

import weakref

import keras
import numpy as np

from gan_utils import sampling

SATURATED = 0.99  # a pixel with |x| above this passes back less than 2% of its gradient (1 - 0.99^2)
RECORDED = ("step", "mean_pixel", "saturated_share", "tanh_slope", "gradient_norm", "real_acc", "fake_acc")


def saturation(images) -> dict:
    """The mean pixel, the share of saturated pixels (|x| > 0.99) and the mean slope of the tanh
    where the pixels sit (mean of 1 - x^2: 1 at x = 0, 0 at x = ±1) of tanh images in [-1, 1]."""
    images = np.asarray(images, np.float64)
    if images.size == 0 or not np.all(np.isfinite(images)):
        raise ValueError(f"saturation needs finite images; got shape {images.shape} with non-finite values or none.")
    if images.min() < -1.0 - 1e-6 or images.max() > 1.0 + 1e-6:
        raise ValueError(f"saturation reads tanh images in [-1, 1]; these span [{images.min():.3g}, {images.max():.3g}].")
    return {
        "mean_pixel": float(images.mean()),
        "saturated_share": float(np.mean(np.abs(images) > SATURATED)),
        "tanh_slope": float(np.mean(1.0 - images**2)),
    }


# One traced measurement per GAN, forgotten with it.
_GRADIENT_NORMS = weakref.WeakKeyDictionary()


def generator_gradient_norm(gan, noise, labels=None) -> float:
    """The global norm of the gradient of the generator's loss with respect to its weights, for
    these latent points (and labels) against the discriminator as it is now (TensorFlow backend;
    both networks in inference mode, so the measurement changes nothing)."""
    if keras.backend.backend() != "tensorflow":
        raise ValueError(f"generator_gradient_norm uses tf.GradientTape; the Keras backend is {keras.backend.backend()!r}.")
    import tensorflow as tf

    noise = tf.convert_to_tensor(noise, tf.float32)
    labels = None if labels is None else tf.convert_to_tensor(labels, tf.int32)
    # Traced once per GAN (and input shape): eagerly, one measurement of report 004's generator on
    # 200 images took about 6 s on 2 CPU cores, longer than the training steps between two.
    if gan not in _GRADIENT_NORMS:
        @tf.function(reduce_retracing=True)
        def measure(noise, labels):
            with tf.GradientTape() as tape:
                fakes = gan.make_images(noise, labels)
                loss = gan.generator_terms(gan.discriminate(fakes, labels), labels)["g_loss"]
            return tf.linalg.global_norm(tape.gradient(loss, gan.generator.trainable_variables))

        _GRADIENT_NORMS[gan] = measure
    measure = _GRADIENT_NORMS[gan]
    return float(measure(noise, labels))


class GeneratorHealth(keras.callbacks.Callback):
    """Every ``every`` training steps (and at the first), the generator's images for one fixed set
    of ``n`` latent points (every class equally, for a conditional GAN) through ``saturation``,
    the generator's gradient norm (TensorFlow only, else NaN) and the discriminator's running
    ``real_acc`` / ``fake_acc``. ``records`` maps each name in ``RECORDED`` to a NumPy array."""

    def __init__(self, every: int = 10, n: int = 200, seed: int = 0):
        super().__init__()
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every}.")
        self.every, self.n, self.seed = every, n, seed
        self._rows = []
        self._step = 0

    def on_train_begin(self, logs=None):
        n = self.n - self.n % self.model.n_classes if self.model.conditional else self.n
        self._inputs = sampling.grid_inputs(self.model, n, self.seed)

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if self._step != 1 and self._step % self.every:
            return
        logs = logs or {}
        noise, labels = self._inputs.noise, self._inputs.labels
        measured = saturation(self.model.generate(noise, labels))
        if keras.backend.backend() == "tensorflow":
            measured["gradient_norm"] = generator_gradient_norm(self.model, noise, labels)
        self._rows.append({"step": self._step, **measured, "real_acc": float(logs.get("real_acc", np.nan)),
                           "fake_acc": float(logs.get("fake_acc", np.nan))})

    @property
    def records(self) -> dict:
        return {name: np.array([row.get(name, np.nan) for row in self._rows], dtype=float) for name in RECORDED}


def plot_health(records: dict, title: str | None = None, axes=None):
    """Four panels over training steps: mean pixel, saturated share with the tanh's mean slope,
    the generator's gradient norm (log scale) and the discriminator's accuracies."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 4, figsize=(15, 3.2))
    step = records["step"]
    axes[0].plot(step, records["mean_pixel"])
    axes[0].axhline(-1, color="gray", linestyle=":")
    axes[0].set(ylabel="mean pixel (black is -1)", ylim=(-1.05, 1.05))
    axes[1].plot(step, records["saturated_share"], label="share |x| > 0.99")
    axes[1].plot(step, records["tanh_slope"], label="mean tanh slope 1 - x²")
    axes[1].set(ylim=(-0.02, 1.02))
    axes[1].legend(fontsize=8)
    axes[2].semilogy(step, records["gradient_norm"])
    axes[2].set(ylabel="generator gradient norm")
    axes[3].plot(step, records["real_acc"], label="real_acc")
    axes[3].plot(step, records["fake_acc"], label="fake_acc")
    axes[3].set(ylabel="discriminator accuracy", ylim=(-0.02, 1.02))
    axes[3].legend(fontsize=8)
    for axis in axes:
        axis.set_xlabel("training step")
    if title:
        axes[0].figure.suptitle(title)
    axes[0].figure.tight_layout()
    return axes
