"""The modern ingredients on the one core: the hinge loss, R1, spectral normalisation and the
minibatch standard-deviation feature."""

import dataclasses

import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_utils import augment, data, losses, models, modern

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


@pytest.mark.jax
def test_hinge_with_r1_trains_and_logs_the_penalty():
    class HingeR1(modern.R1Penalty, modern.HingeGAN):
        pass

    keras.utils.set_random_seed(0)
    gan = HingeR1(*tiny_gan_models(), r1_weight=10.0, seed=0)
    gan.compile()
    history = gan.fit(data.make_dataset(random_images(32), batch_size=8, seed=0), epochs=1, verbose=0).history
    assert {"d_loss", "g_loss", "r1_penalty", "wasserstein"} <= set(history)
    assert all(np.isfinite(values[-1]) for values in history.values())
    with pytest.raises(ValueError, match="r1_weight must be >= 0, got -1"):
        HingeR1(*tiny_gan_models(), r1_weight=-1)


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


def test_minibatch_std_appends_the_batch_spread():
    layer = models.MinibatchStdDev()
    points = np.array([[0.0, 1.0], [2.0, 1.0]], dtype="float32")  # feature std 1 and 0: mean 0.5
    output = keras.ops.convert_to_numpy(layer(points))
    assert output.shape == (2, 3) and np.allclose(output[:, 2], 0.5, atol=1e-3)
    collapsed = keras.ops.convert_to_numpy(layer(np.ones((4, 8, 8, 3), "float32")))
    assert collapsed.shape == (4, 8, 8, 4) and collapsed[..., 3].max() < 1e-3  # a collapsed batch shows


def test_with_minibatch_std_inserts_the_feature_before_flatten():
    _, discriminator = models.build_gan_models("dcgan_tutorial", (28, 28, 1), 16)
    with_std = models.with_minibatch_std(discriminator)
    names = [layer.__class__.__name__ for layer in with_std.layers]
    assert names[names.index("Flatten") - 1] == "MinibatchStdDev" and names.count("MinibatchStdDev") == 1
    # One more input channel for the Dense layer: 7 x 7 more weights; the rest is a fresh copy.
    assert with_std.count_params() == discriminator.count_params() + 7 * 7
    assert with_std(random_images(4, (28, 28, 1))).shape == (4, 1)
    _, functional = models.build_gan_models("acgan_cifar10", (32, 32, 3))
    with pytest.raises(ValueError, match="needs a Sequential discriminator.*Functional"):
        models.with_minibatch_std(functional)
    with pytest.raises(ValueError, match="before Flatten.*has none"):
        models.with_minibatch_std(keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)]))


def test_translation_moves_pixels_and_cutout_zeroes_a_square():
    seed = keras.random.SeedGenerator(0)
    image = np.zeros((1, 16, 16, 1), "float32")
    image[0, 8, 8, 0] = 1.0
    moved = keras.ops.convert_to_numpy(augment.translation(np.repeat(image, 64, axis=0), seed))
    positions = {tuple(np.argwhere(m[..., 0] == 1)[0]) for m in moved}
    assert moved.sum() == 64 and len(positions) > 10  # one bright pixel per image, in many places
    assert all(abs(y - 8) <= 2 and abs(x - 8) <= 2 for y, x in positions)  # at most 1/8 of 16 pixels
    cut = keras.ops.convert_to_numpy(augment.cutout(np.ones((8, 16, 16, 3), "float32"), seed))
    assert np.all((cut == 0).sum(axis=(1, 2, 3)) == 8 * 8 * 3)  # a 8x8 square, every channel


def test_augmentation_is_differentiable_and_trains():
    images = tf.constant(random_images(4))
    with tf.GradientTape() as tape:
        tape.watch(images)
        total = tf.reduce_sum(augment.diff_augment(images, ("translation", "cutout"), keras.random.SeedGenerator(1)))
    assert float(tf.reduce_sum(tape.gradient(total, images))) > 0
    keras.utils.set_random_seed(0)
    gan = modern.DiffAugment(*tiny_gan_models(), augment=("translation", "cutout"), seed=0)
    gan.compile()
    history = gan.fit(data.make_dataset(random_images(32), batch_size=8, seed=0), epochs=1, verbose=0).history
    assert np.isfinite(history["d_loss"][-1]) and np.isfinite(history["g_loss"][-1])
    with pytest.raises(ValueError, match="'flip'.*cutout.*translation"):
        modern.DiffAugment(*tiny_gan_models(), augment=("flip",))


@pytest.mark.jax
def test_the_generator_average_is_updated_sampled_from_and_restored(tmp_path):
    from gan_utils import callbacks

    def make(seed, ema_rampup=None):
        keras.utils.set_random_seed(seed)
        # A generator with batch norm:
        gan = modern.WeightAverage(*models.build_gan_models("dcgan_tutorial"), ema_decay=0.9, ema_rampup=ema_rampup,
                                   seed=seed)
        gan.compile()
        return gan

    def values(variables):
        return [keras.ops.convert_to_numpy(v).copy() for v in variables]

    gan = make(0)
    start = values(gan.generator.trainable_weights)
    pipeline = data.make_dataset(random_images(8), batch_size=8, seed=0)  # one step per epoch
    gan.fit(pipeline, epochs=1, verbose=0, callbacks=callbacks.resumable_callbacks(tmp_path))
    for average, first, second in zip(values(gan.ema_generator.trainable_weights), start,
                                      values(gan.generator.trainable_weights)):
        np.testing.assert_allclose(average, 0.9 * first + 0.1 * second, rtol=1e-5, atol=1e-6)
    assert gan.generator.non_trainable_weights  # batch-norm statistics: copied, not averaged
    for copied, statistic in zip(values(gan.ema_generator.non_trainable_weights), values(gan.generator.non_trainable_weights)):
        np.testing.assert_array_equal(copied, statistic)
    # With the ramp-up (the default), the first step's half-life is 0.05 steps: the average is the
    # generator itself (decay 0.5 ** 20), and it ramps up to ema_decay's half-life later.
    ramped = make(0, ema_rampup=0.05)
    ramped.fit(pipeline, epochs=1, verbose=0)
    for average, weight in zip(values(ramped.ema_generator.trainable_weights), values(ramped.generator.trainable_weights)):
        np.testing.assert_allclose(average, weight, rtol=1e-5, atol=1e-5)
    noise = np.random.default_rng(0).standard_normal((3, gan.latent_dim)).astype("float32")
    np.testing.assert_allclose(gan.generate(noise), keras.ops.convert_to_numpy(gan.ema_generator(noise)), atol=1e-6)
    assert not np.allclose(gan.generate(noise), keras.ops.convert_to_numpy(gan.generator(noise)))
    resumed = make(1)  # another start (other weights): the finished run is restored, not retrained
    resumed.fit(pipeline, epochs=1, verbose=0, callbacks=callbacks.resumable_callbacks(tmp_path))
    for restored, saved in zip(resumed.ema_generator.get_weights(), gan.ema_generator.get_weights()):
        np.testing.assert_array_equal(restored, saved)
    with pytest.raises(ValueError, match="ema_decay must be between 0 and 1"):
        modern.WeightAverage(*tiny_gan_models(), ema_decay=1.0)
    with pytest.raises(ValueError, match="ema_rampup must be positive"):
        modern.WeightAverage(*tiny_gan_models(), ema_decay=0.9, ema_rampup=0.0)


def test_the_cumulative_recipes_add_one_ingredient_at_a_time():
    from gan_utils import recipes, runner

    names = [recipe.name for recipe in recipes.CUMULATIVE]
    assert names == ["dcgan", "hinge_sn", "ttur", "ema", "r1", "diffaugment"]
    last = recipes.recipe("diffaugment")
    assert (last.loss, last.spectral_norm, last.d_learning_rate, last.ema_decay, last.r1_weight, last.augment) == (
        "hinge", True, 4e-4, 0.999, 0.1, ("translation", "cutout"))
    assert recipes.options(recipes.recipe("dcgan")) == "(the DCGAN's)"
    assert "ema_decay=0.999" in recipes.options(recipes.recipe("ema"))

    def built(name):  # a recipe is a configuration: runner.build_gan builds it, here on the digits' networks
        config = dataclasses.replace(recipes.recipe(name), dataset="mnist_5k", architecture="dcgan_tutorial")
        return runner.build_gan(config)

    gan = built("r1")
    assert isinstance(gan, modern.HingeGAN) and isinstance(gan, modern.R1Penalty) and gan.r1_weight == 0.1
    assert gan.ema_decay == 0.999
    assert any(isinstance(layer, keras.layers.SpectralNormalization) for layer in gan.discriminator.layers)
    with pytest.raises(ValueError, match="'sngan'.*dcgan"):
        recipes.recipe("sngan")
    assert "49.03" in recipes.published_fid_table() and "10,000 test" in recipes.published_fid_table()
    # Beyond the cumulative order: ingredients added to the DCGAN itself.
    assert recipes.options(recipes.recipe("dcgan_ema")) == "ema_decay=0.999"
    assert recipes.options(recipes.recipe("dcgan_ema_mbstd")) == "minibatch_std=True, ema_decay=0.999"
    gan = built("dcgan_ema_mbstd")
    assert any(isinstance(layer, models.MinibatchStdDev) for layer in gan.discriminator.layers)
    assert not isinstance(gan, modern.HingeGAN) and gan.ema_decay == 0.999
    assert recipes.options(recipes.recipe("dcgan_ema_lr4x")) == (
        "d_learning_rate=0.0008, g_learning_rate=0.0008, ema_decay=0.999")
    gan = built("dcgan_ema_lr4x")
    assert [float(o.learning_rate) for o in (gan.d_optimizer, gan.g_optimizer)] == pytest.approx([8e-4, 8e-4])
    assert (gan.d_optimizer.beta_1, gan.ema_decay) == (0.5, 0.999)


def test_class_balance_of_real_and_single_class_images(cache):
    from gan_utils import metrics

    images, labels = data.load_dataset("mnist_5k", "test", value_range="sigmoid", smoke=False)
    balance = metrics.class_balance(images, "mnist_5k", "sigmoid", smoke=False)  # 100 per digit
    assert balance["shares"].shape == (10,) and abs(balance["shares"].sum() - 1) < 1e-6 and balance["ratio"] < 1.5
    ones = metrics.class_balance(images[labels == 1][:50], "mnist_5k", "sigmoid", smoke=False)
    assert ones["ratio"] == float("inf") and ones["shares"][1] > 0.8  # one class only: collapse shows
