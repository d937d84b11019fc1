"""The three ways a step can update the two networks (``GAN``, ``FreshNoiseGAN``, ``TutorialGAN``), checked
against each other and against the TensorFlow tutorial's train_step, from the same weights and noise."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_utils import losses, models, variants

from helpers import random_images

LATENT = 16


def make_gan(update, seed=0, d_optimizer=None, g_optimizer=None, **options):
    """A tiny GAN without dropout (so two runs see the same network) whose noise is fixed."""
    keras.utils.set_random_seed(seed)
    generator = models.keras_gan_generator(LATENT, (28, 28, 1), filters=16)
    discriminator = models.keras_gan_discriminator((28, 28, 1), filters=(16, 16), dropout=0.0)
    gan = variants.make_gan(generator, discriminator, update=update, seed=seed, **options)
    gan.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer)
    noise = tf.constant(np.random.default_rng(1).standard_normal((8, LATENT)).astype("float32"))
    gan.sample_noise = lambda batch_size: noise  # every draw the same: the updates become comparable
    return gan


def weights(model):
    return [w.copy() for w in model.get_weights()]


def test_alternating_reuses_the_fakes_and_changes_nothing_but_the_work():
    """With the generator's noise equal to the discriminator's, the fresh-noise update and the
    fake-reusing one are the same update: same losses, same weights after two steps."""
    images = random_images(8)
    results = {}
    for update in ("alternating", "alternating_fresh_noise"):
        gan = make_gan(update)
        logs = [gan.train_step(tf.constant(images)) for _ in range(2)]
        results[update] = ({k: float(v) for k, v in logs[-1].items()}, weights(gan.generator), weights(gan.discriminator))
    (logs_a, g_a, d_a), (logs_b, g_b, d_b) = results["alternating"], results["alternating_fresh_noise"]
    assert logs_a == pytest.approx(logs_b, rel=1e-5)
    for a, b in zip(g_a + d_a, g_b + d_b):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_simultaneous_update_is_the_tensorflow_tutorials_step():
    images = tf.constant(random_images(8))
    # SGD makes the comparison exact: the tutorial's discriminator loss is the sum of the two halves,
    # gan_utils' their mean, so gan_utils' discriminator takes twice the tutorial's learning rate.
    gan = make_gan("simultaneous", d_optimizer=keras.optimizers.SGD(0.2), g_optimizer=keras.optimizers.SGD(0.1))
    generator = keras.models.clone_model(gan.generator)
    discriminator = keras.models.clone_model(gan.discriminator)
    generator.set_weights(gan.generator.get_weights())
    discriminator.set_weights(gan.discriminator.get_weights())
    g_optimizer, d_optimizer = keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1)
    noise = gan.sample_noise(8)

    # The tutorial's train_step, as written there (its discriminator loss is the sum of the halves).
    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        generated = generator(noise, training=True)
        real_output, fake_output = discriminator(images, training=True), discriminator(generated, training=True)
        gen_loss = losses.non_saturating_generator_loss(fake_output)
        disc_loss = 2 * losses.discriminator_loss(real_output, fake_output)
    g_optimizer.apply_gradients(zip(gen_tape.gradient(gen_loss, generator.trainable_variables), generator.trainable_variables))
    d_variables = discriminator.trainable_variables
    d_optimizer.apply_gradients(zip(disc_tape.gradient(disc_loss, d_variables), d_variables))

    logs = gan.train_step(images)
    assert float(logs["g_loss"]) == pytest.approx(float(gen_loss), rel=1e-5)
    assert 2 * float(logs["d_loss"]) == pytest.approx(float(disc_loss), rel=1e-5)
    for ours, theirs in zip(gan.generator.get_weights() + gan.discriminator.get_weights(),
                            generator.get_weights() + discriminator.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-6)


def test_simultaneous_update_trains_the_variants_it_supports_and_refuses_the_others():
    gan = make_gan("simultaneous", loss="hinge", augment=("translation",), ema_decay=0.9)
    assert isinstance(gan, variants.TutorialGAN) and type(gan).__name__ == "WeightAverageDiffAugmentTutorialGANHingeGAN"
    before = weights(gan.ema_generator)
    logs = gan.train_step(tf.constant(random_images(8)))
    assert np.isfinite(float(logs["wasserstein"])) and np.isfinite(float(logs["d_loss"]))
    assert any(not np.allclose(a, b) for a, b in zip(before, weights(gan.ema_generator)))
    with pytest.raises(ValueError, match="update='simultaneous'.*penalties"):
        make_gan("simultaneous", r1_weight=1.0)


def test_update_options_are_checked():
    with pytest.raises(ValueError, match="'sequential'.*alternating.*simultaneous"):
        make_gan("sequential")
    with pytest.raises(ValueError, match="one discriminator step.*d_steps=5"):
        make_gan("simultaneous", d_steps=5)
