"""The training loops gan_utils is measured against, written as the reports and the TensorFlow
tutorial write them. Each ``make_*`` returns (step, generator): ``step()`` runs one training step.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from gan_utils import data, losses, models, training


def make_reports_loop(architecture: str, images: np.ndarray, batch: int, latent_dim: int = 100, seed: int = 0,
                      optimizer=training.adam):
    """Reports 000/001/002's loop: `discriminator.train_on_batch` on half a batch of real and half
    a batch of fake images, then `combined.train_on_batch` on a whole batch of latent points, the
    discriminator frozen inside the combined model (Keras 2's recipe). ``optimizer()`` makes each
    network's optimizer (the reports': Adam 2e-4 / 0.5)."""
    generator, discriminator = models.build_gan_models(architecture, images.shape[1:], latent_dim)
    # The reports' discriminator ends in a sigmoid and is compiled on its own.
    classifier = keras.Sequential([discriminator, keras.layers.Activation("sigmoid")])
    classifier.compile(loss="binary_crossentropy", optimizer=optimizer())
    half = batch // 2
    rng = np.random.default_rng(seed)

    def discriminator_step():
        real = images[rng.integers(0, len(images), half)]
        fake = generator.predict(rng.standard_normal((half, latent_dim)).astype("float32"), verbose=0)
        x = np.vstack([real, fake])
        y = np.vstack([np.ones((half, 1)), np.zeros((half, 1))]).astype("float32")
        classifier.train_on_batch(x, y)

    # Keras 3 reads `trainable` when a train function is first built: build the discriminator's
    # function while it is trainable, then freeze it for the combined model (Keras 2's semantics).
    discriminator_step()
    classifier.trainable = False
    combined = keras.Sequential([generator, classifier])
    combined.compile(loss="binary_crossentropy", optimizer=optimizer())
    ones = np.ones((batch, 1), "float32")

    def step():
        discriminator_step()
        combined.train_on_batch(rng.standard_normal((batch, latent_dim)).astype("float32"), ones)

    return step, generator


def make_tutorial_loop(architecture: str, images: np.ndarray, batch: int, latent_dim: int = 100, seed: int = 0,
                       optimizer=lambda: keras.optimizers.Adam(1e-4)):
    """The TensorFlow DCGAN tutorial's `@tf.function train_step`: one forward pass, two tapes.
    ``optimizer()`` makes each network's optimizer (the tutorial's: Adam 1e-4)."""
    generator, discriminator = models.build_gan_models(architecture, images.shape[1:], latent_dim)
    g_optimizer, d_optimizer = optimizer(), optimizer()
    pipeline = iter(data.make_dataset(images, batch_size=batch, seed=seed).repeat())

    @tf.function
    def train_step(real):
        noise = tf.random.normal((tf.shape(real)[0], latent_dim))
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = generator(noise, training=True)
            real_logits = discriminator(real, training=True)
            fake_logits = discriminator(fake, training=True)
            g_loss = losses.non_saturating_generator_loss(fake_logits)
            d_loss = 2 * losses.discriminator_loss(real_logits, fake_logits)
        g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, generator.trainable_variables), generator.trainable_variables))
        d_variables = discriminator.trainable_variables
        d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_variables), d_variables))
        return d_loss

    def step():
        train_step(next(pipeline)).numpy()

    return step, generator
