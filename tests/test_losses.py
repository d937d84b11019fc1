import math

import numpy as np
import pytest
import tensorflow as tf

from gan_utils import losses


def log_sigmoid(x):
    return -math.log1p(math.exp(-x))


def test_discriminator_loss_matches_hand_computed_bce():
    real, fake = np.array([[2.0], [0.0]]), np.array([[-1.0], [3.0]])
    # BCE(1, x) = -log sigmoid(x); BCE(0, x) = -log(1 - sigmoid(x)) = -log sigmoid(-x).
    real_part = -(log_sigmoid(2.0) + log_sigmoid(0.0)) / 2
    fake_part = -(log_sigmoid(1.0) + log_sigmoid(-3.0)) / 2
    expected = (real_part + fake_part) / 2
    assert float(losses.discriminator_loss(real, fake)) == pytest.approx(expected, rel=1e-5)


def test_chance_level_discriminator_loss_is_log_two():
    zeros = np.zeros((4, 1))
    assert float(losses.discriminator_loss(zeros, zeros)) == pytest.approx(math.log(2), rel=1e-6)


def test_swapped_labels_mirror_the_logits():
    real, fake = np.array([[1.5], [-0.5]]), np.array([[0.3], [-2.0]])
    normal = float(losses.discriminator_loss(real, fake))
    swapped = float(losses.discriminator_loss(-real, -fake, real_label=0.0, fake_label=1.0))
    assert swapped == pytest.approx(normal, rel=1e-6)


def test_generator_losses():
    fake = np.array([[1.0], [-2.0]])
    non_saturating = -(log_sigmoid(1.0) + log_sigmoid(-2.0)) / 2
    minimax = (math.log(1 - 1 / (1 + math.exp(-1.0))) + math.log(1 - 1 / (1 + math.exp(2.0)))) / 2
    assert float(losses.non_saturating_generator_loss(fake)) == pytest.approx(non_saturating, rel=1e-5)
    assert float(losses.minimax_generator_loss(fake)) == pytest.approx(minimax, rel=1e-5)
    # With swapped labels the generator aims at label 0, so a logit of -x scores what x did.
    assert float(losses.non_saturating_generator_loss(-fake, real_label=0.0, fake_label=1.0)) == pytest.approx(
        non_saturating, rel=1e-5
    )


def test_losses_are_finite_for_extreme_logits():
    big = np.array([[80.0], [-80.0]])
    assert np.isfinite(float(losses.discriminator_loss(big, -big)))
    assert np.isfinite(float(losses.non_saturating_generator_loss(big)))


def test_wasserstein_losses_by_hand():
    real, fake = np.array([[2.0], [4.0]]), np.array([[-1.0], [0.5]])
    assert float(losses.wasserstein_critic_loss(real, fake)) == pytest.approx(-0.25 - 3.0)
    assert float(losses.wasserstein_generator_loss(fake)) == pytest.approx(0.25)
    assert float(losses.wasserstein_estimate(real, fake)) == pytest.approx(3.25)


def linear_critic(weights):
    """f(x) = sum(w * x): its gradient is w everywhere, so the penalty is (||w|| - 1)^2."""
    w = tf.constant(weights, tf.float32)
    return lambda x: tf.reduce_sum(x * w, axis=[1, 2, 3])[:, None]


def test_gradient_penalty_of_a_linear_critic():
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(1, 3, 3, 2)).astype(np.float32)
    real = rng.normal(size=(4, 3, 3, 2)).astype(np.float32)
    fake = rng.normal(size=(4, 3, 3, 2)).astype(np.float32)
    expected = (np.linalg.norm(weights) - 1.0) ** 2
    penalty = losses.gradient_penalty(linear_critic(weights), tf.constant(real), tf.constant(fake), rng.uniform(size=4))
    assert float(penalty) == pytest.approx(expected, rel=1e-5)
    unit = weights / np.linalg.norm(weights)
    penalty = losses.gradient_penalty(linear_critic(unit), tf.constant(real), tf.constant(fake), np.zeros(4))
    assert float(penalty) == pytest.approx(0.0, abs=1e-6)


def test_gradient_penalty_interpolates_per_example():
    """A critic f(x) = sum(x^2)/2 has gradient x: the penalty sees t*real + (1-t)*fake per example."""
    real = np.full((2, 1, 1, 1), 3.0, np.float32)
    fake = np.zeros((2, 1, 1, 1), np.float32)
    critic = lambda x: 0.5 * tf.reduce_sum(x * x, axis=[1, 2, 3])[:, None]
    # t = (1, 0): gradient norms 3 and 0 -> ((3 - 1)^2 + (0 - 1)^2) / 2 = 2.5
    penalty = losses.gradient_penalty(critic, tf.constant(real), tf.constant(fake), np.array([1.0, 0.0]))
    assert float(penalty) == pytest.approx(2.5, rel=1e-5)


def test_gradient_penalty_has_no_nan_for_identical_batches_and_a_flat_critic():
    images = tf.constant(np.random.default_rng(1).normal(size=(4, 5, 5, 1)).astype(np.float32))
    variable = tf.Variable(np.zeros((1, 5, 5, 1), np.float32))
    critic = lambda x: tf.reduce_sum(x * variable, axis=[1, 2, 3])[:, None]  # zero gradient everywhere
    with tf.GradientTape() as tape:
        penalty = losses.gradient_penalty(critic, images, tf.identity(images), np.full(4, 0.5))
    gradient = tape.gradient(penalty, variable)
    assert float(penalty) == pytest.approx(1.0, rel=1e-5)  # (0 - 1)^2
    assert np.all(np.isfinite(gradient.numpy()))


# --- one contract for every loss pair a GAN can be compiled with ---------------------------------

EXTREME = np.array([[-1e4], [-30.0], [0.0], [30.0], [1e4]], np.float32)


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_every_loss_pair_is_a_finite_scalar_even_on_extreme_outputs(name):
    pair = losses.LOSSES[name]
    d_loss = pair.discriminator(EXTREME, EXTREME[::-1], 1.0, 0.0)
    g_loss = pair.generator(EXTREME, 1.0, 0.0)
    for value in (d_loss, g_loss):
        assert np.shape(value) == () and np.isfinite(float(value))


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_every_loss_pair_is_consistent_under_swapped_labels(name):
    """Training towards real 0 / fake 1 is the same game with the discriminator's output negated:
    the cross-entropy pairs give equal losses; the Wasserstein pair ignores the labels."""
    pair = losses.LOSSES[name]
    real, fake = np.array([[1.5], [-0.5]], np.float32), np.array([[0.3], [-2.0]], np.float32)
    mirrored = (-real, -fake) if pair.classifies else (real, fake)
    assert float(pair.discriminator(real, fake, 1.0, 0.0)) == pytest.approx(
        float(pair.discriminator(*mirrored, 0.0, 1.0)), rel=1e-5)
    assert float(pair.generator(fake, 1.0, 0.0)) == pytest.approx(float(pair.generator(mirrored[1], 0.0, 1.0)), rel=1e-5)


def test_acgan_class_pair_by_hand():
    """Cross-entropy of two classes: -log softmax at the label; the discriminator averages real and fake."""
    labels = np.array([0, 1])
    real = np.array([[2.0, 0.0], [0.0, 0.0]], np.float32)  # -log p: log(1 + e^-2), log 2
    fake = np.array([[0.0, 0.0], [0.0, 2.0]], np.float32)  # log 2, log(1 + e^-2)
    per_real = (math.log1p(math.exp(-2.0)) + math.log(2)) / 2
    assert float(losses.ACGAN_CLASS_LOSS.generator(labels, fake)) == pytest.approx(per_real, rel=1e-5)
    assert float(losses.ACGAN_CLASS_LOSS.discriminator(labels, real, fake)) == pytest.approx(per_real, rel=1e-5)
    extreme = np.array([[1e4, -1e4], [-1e4, 1e4]], np.float32)
    assert np.isfinite(float(losses.ACGAN_CLASS_LOSS.discriminator(labels, extreme, extreme[::-1])))
