"""The one GAN training core: a ``keras.Model`` that owns a generator and a discriminator.

Following keras-io's generative examples, ``GAN.train_step`` does one discriminator update and one
generator update per batch, and Keras compiles it with tf.function on the TensorFlow backend. The
gradient tapes make this module TensorFlow-backend only, as the collection is. The
model therefore gets ``fit`` with its progress bar, callbacks, History, ``evaluate`` and
``tf.distribute`` for free. The metrics it logs are ``d_loss``, ``g_loss``, ``real_acc`` and
``fake_acc`` (the discriminator's accuracy on real and on generated images).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from gan_utils import losses


def default_jit_compile() -> bool:
    """XLA where it pays: on a GPU. On a CPU it made the DCGAN step slower (about 0.75x here)."""
    return bool(tf.config.list_physical_devices("GPU"))


def adam(learning_rate: float = 2e-4, beta_1: float = 0.5) -> keras.optimizers.Adam:
    """Adam as the reports and the DCGAN paper set it: learning rate 2e-4, beta_1 0.5."""
    return keras.optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1)


class GAN(keras.Model):
    """A generator and a discriminator trained against each other with ``fit``.

    Args:
        generator: maps a (batch, latent_dim) normal sample to images.
        discriminator: maps images to one logit per image (no sigmoid).
        real_label, fake_label: the targets the discriminator is trained towards (1 and 0 by
            default; the label-swap experiment uses 0 and 1).
        seed: seed of the latent noise drawn inside the train step; None follows the global seed
            set with ``keras.utils.set_random_seed``.
    """

    def __init__(self, generator, discriminator, real_label=1.0, fake_label=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if real_label == fake_label:
            raise ValueError(f"real_label and fake_label must differ, both are {real_label!r}.")
        self.generator = generator
        self.discriminator = discriminator
        # Both networks are built models, so the GAN is too (save_weights and BackupAndRestore need it).
        self.built = True
        self.latent_dim = int(generator.inputs[0].shape[-1])
        self.image_shape = tuple(generator.outputs[0].shape[1:])
        if tuple(discriminator.inputs[0].shape[1:]) != self.image_shape:
            raise ValueError(
                f"The generator makes images of shape {self.image_shape} but the discriminator "
                f"takes {tuple(discriminator.inputs[0].shape[1:])}."
            )
        self.real_label = float(real_label)
        self.fake_label = float(fake_label)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        # Logit > 0 means "closer to label 1"; y_true is the label each half is trained towards.
        self.real_accuracy = keras.metrics.BinaryAccuracy(name="real_acc", threshold=0.0)
        self.fake_accuracy = keras.metrics.BinaryAccuracy(name="fake_acc", threshold=0.0)

    def compile(
        self,
        d_optimizer=None,
        g_optimizer=None,
        generator_loss: str = "non_saturating",
        jit_compile=None,
        **kwargs,
    ):
        """Set the two optimizers (Adam 2e-4 / 0.5 by default) and the generator loss by name."""
        if generator_loss not in losses.GENERATOR_LOSSES:
            raise ValueError(
                f"Unknown generator_loss {generator_loss!r}; accepted are "
                f"{sorted(losses.GENERATOR_LOSSES)}."
            )
        if jit_compile is None:
            jit_compile = default_jit_compile()
        # The GAN's own `optimizer` stays None: the two networks have theirs.
        super().compile(optimizer=None, jit_compile=jit_compile, **kwargs)
        self.d_optimizer = _with_loss_scaling(d_optimizer or adam())
        self.g_optimizer = _with_loss_scaling(g_optimizer or adam())
        # Build the optimizer slots now, so a checkpoint written before or after the first step
        # holds (and restores) the full optimizer state.
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)
        self.generator_loss_name = generator_loss
        self.generator_loss_fn = losses.GENERATOR_LOSSES[generator_loss]

    def fit(self, x=None, *args, shuffle=False, steps_per_epoch=None, **kwargs):
        """Keras ``fit``. Shuffling belongs to the tf.data pipeline (``data.make_dataset``), so the
        ``shuffle`` flag, which Keras ignores (with a warning) for datasets, defaults to False.

        A finite dataset is fed as one repeated iterator with ``steps_per_epoch`` set to its length:
        the same epochs, reshuffled each time, but Keras no longer makes a new iterator per epoch,
        whose clean-up stalled every epoch by about 5 s on this project's CPU.
        """
        if isinstance(x, tf.data.Dataset) and steps_per_epoch is None:
            steps = int(x.cardinality())
            if steps > 0:
                x, steps_per_epoch = x.repeat(), steps
        return super().fit(x, *args, shuffle=shuffle, steps_per_epoch=steps_per_epoch, **kwargs)

    @property
    def metrics(self):
        # Listed here so Keras resets them at the start of every epoch.
        return [self.d_loss_tracker, self.g_loss_tracker, self.real_accuracy, self.fake_accuracy]

    def call(self, noise, training=False):
        return self.generator(noise, training=training)

    def sample_noise(self, batch_size):
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    @staticmethod
    def _scale_for_gradients(optimizer, loss):
        """The loss whose gradient is applied: divided by the number of replicas (tf.distribute
        sums the replicas' gradients) and multiplied by the loss scale under mixed precision."""
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        return optimizer.scale_loss(ops.cast(loss, "float32") / replicas)

    @staticmethod
    def _apply(optimizer, tape, scaled_loss, variables):
        optimizer.apply_gradients(zip(tape.gradient(scaled_loss, variables), variables))

    def _update_accuracies(self, real_logits, fake_logits):
        self.real_accuracy.update_state(ops.full_like(real_logits, self.real_label), real_logits)
        self.fake_accuracy.update_state(ops.full_like(fake_logits, self.fake_label), fake_logits)

    def _metric_results(self):
        return {metric.name: metric.result() for metric in self.metrics}

    def train_step(self, data):
        real_images, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        # Size the noise from the batch itself, so a different batch size never needs new code.
        batch_size = ops.shape(real_images)[0]

        # Discriminator step. The generator runs outside the tape: its gradients are not needed.
        fake_images = self.generator(self.sample_noise(batch_size), training=True)
        with tf.GradientTape() as tape:
            real_logits = self.discriminator(real_images, training=True)
            fake_logits = self.discriminator(fake_images, training=True)
            d_loss = losses.discriminator_loss(
                real_logits, fake_logits, self.real_label, self.fake_label
            )
            scaled_d_loss = self._scale_for_gradients(self.d_optimizer, d_loss)
        self._apply(self.d_optimizer, tape, scaled_d_loss, self.discriminator.trainable_variables)

        # Generator step on fresh noise, against the discriminator just updated.
        with tf.GradientTape() as tape:
            generated_logits = self.discriminator(
                self.generator(self.sample_noise(batch_size), training=True), training=True
            )
            g_loss = self.generator_loss_fn(generated_logits, self.real_label, self.fake_label)
            scaled_g_loss = self._scale_for_gradients(self.g_optimizer, g_loss)
        self._apply(self.g_optimizer, tape, scaled_g_loss, self.generator.trainable_variables)

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self._update_accuracies(real_logits, fake_logits)
        return self._metric_results()

    def test_step(self, data):
        """The same losses and accuracies on held-out real images and fresh fakes, no updates."""
        real_images, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        batch_size = ops.shape(real_images)[0]
        fake_images = self.generator(self.sample_noise(batch_size), training=False)
        real_logits = self.discriminator(real_images, training=False)
        fake_logits = self.discriminator(fake_images, training=False)
        self.d_loss_tracker.update_state(
            losses.discriminator_loss(real_logits, fake_logits, self.real_label, self.fake_label)
        )
        self.g_loss_tracker.update_state(
            self.generator_loss_fn(fake_logits, self.real_label, self.fake_label)
        )
        self._update_accuracies(real_logits, fake_logits)
        return self._metric_results()

    def generate(self, noise) -> np.ndarray:
        """Images for the given latent points (inference mode) as a NumPy array."""
        noise = np.asarray(noise, dtype=np.float32)
        if noise.ndim != 2 or noise.shape[1] != self.latent_dim:
            raise ValueError(
                f"noise must have shape (n, {self.latent_dim}), got {noise.shape}."
            )
        return keras.ops.convert_to_numpy(self.generator(noise, training=False))


def _with_loss_scaling(optimizer):
    """Under the mixed_float16 policy, wrap an optimizer so small float16 gradients do not underflow."""
    policy = keras.mixed_precision.dtype_policy()
    if policy.compute_dtype == "float16" and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


def latent_points(n: int, latent_dim: int, seed: int = 0) -> np.ndarray:
    """n standard-normal latent points from a fixed NumPy seed (the same points on every call)."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)
