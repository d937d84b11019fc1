import math

import numpy as np
import pytest

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
