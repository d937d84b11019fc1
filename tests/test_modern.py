"""The modern ingredients on the one core: the hinge loss, R1 and spectral normalisation."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_utils import data, losses, models, training

from helpers import random_images, tiny_gan_models


def test_hinge_losses_by_hand():
    real, fake = tf.constant([[2.0], [0.5]]), tf.constant([[-2.0], [0.0]])
    # relu(1 - 2) = 0, relu(1 - 0.5) = 0.5 -> 0.25; relu(1 - 2) = 0, relu(1 + 0) = 1 -> 0.5
    assert float(losses.hinge_discriminator_loss(real, fake)) == pytest.approx(0.75)
    assert float(losses.hinge_generator_loss(fake)) == pytest.approx(1.0)
    assert losses.LOSSES["hinge"].classifies is False  # scores, not probabilities


def test_r1_of_a_linear_discriminator_is_its_squared_weight_norm():
    w = tf.constant([[1.0], [-2.0], [0.5]])
    penalty = losses.r1_penalty(lambda x: tf.matmul(x, w), tf.random.normal((8, 3)))
    assert float(penalty) == pytest.approx(1 + 4 + 0.25)


def test_compile_with_hinge_and_r1_trains_and_logs_the_penalty():
    keras.utils.set_random_seed(0)
    gan = training.GAN(*tiny_gan_models(), seed=0)
    gan.compile(loss="hinge", r1_weight=10.0)
    history = gan.fit(data.make_dataset(random_images(32), batch_size=8, seed=0), epochs=1, verbose=0).history
    assert {"d_loss", "g_loss", "r1_penalty", "wasserstein"} <= set(history)
    assert all(np.isfinite(values[-1]) for values in history.values())
    with pytest.raises(ValueError, match="r1_weight must be >= 0, got -1"):
        gan.compile(r1_weight=-1)


def _largest_singular_value(matrix, iterations=200, seed=0):
    """Power iteration on matrix^T matrix, written out independently of Keras' own."""
    vector = np.random.default_rng(seed).standard_normal(matrix.shape[1])
    for _ in range(iterations):
        vector = matrix.T @ (matrix @ vector)
        vector /= np.linalg.norm(vector)
    return float(np.linalg.norm(matrix @ vector))


def test_spectral_normalization_bounds_every_layers_largest_singular_value():
    _, discriminator = tiny_gan_models()
    normalized = models.spectral_normalized(discriminator, power_iterations=1)
    wrapped = [layer for layer in normalized.layers if isinstance(layer, keras.layers.SpectralNormalization)]
    assert len(wrapped) == sum(isinstance(layer, (keras.layers.Dense, keras.layers.Conv2D)) for layer in discriminator.layers)
    images = random_images(4)
    before = [_largest_singular_value(np.reshape(layer.layer.kernel.numpy(), (-1, layer.layer.kernel.shape[-1])))
              for layer in wrapped]
    for _ in range(30):  # each training call does one power iteration and renormalises the kernel
        normalized(images, training=True)
    after = [_largest_singular_value(np.reshape(layer.layer.kernel.numpy(), (-1, layer.layer.kernel.shape[-1])))
             for layer in wrapped]
    assert max(abs(value - 1) for value in after) < 0.02, after
    assert max(abs(value - 1) for value in before) > 0.1  # it was not 1 before
    assert normalized(images).shape == discriminator(images).shape
