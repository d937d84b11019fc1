"""Class-conditional GANs on the one training core: report 004's conditional DCGAN (the label is an
input of both networks) and report 003's ACGAN (the discriminator predicts the class)."""

import math

import keras
import numpy as np
import pytest

from gan_utils import (
    callbacks,
    conditional,
    data,
    diagnostics,
    experiments,
    losses,
    metrics,
    models,
    sampling,
    training,
    variants,
    viz,
)

from helpers import CONDITIONAL_LATENT, compiled, random_images, small_acgan_models, small_conditional_models


def digit_labels(n=32, seed=0):
    return np.random.default_rng(seed).integers(0, 10, n).astype(np.int32)


# --- the report's models ---------------------------------------------------------------------

def test_report_004_conditional_dcgan_has_the_reports_layers_and_our_counted_parameters():
    generator, discriminator = models.build_gan_models("conditional_dcgan_report004", (28, 28, 1))
    # Counted by hand from report 004's code: the report itself states no counts.
    assert generator.count_params() == 500 + 50 * 49 + 100 * 6272 + (16 * 129 * 128 + 128) + (16 * 128 * 64 + 64) + (49 * 64 + 1)
    assert (generator.count_params(), discriminator.count_params()) == (1_028_743, 196_773)
    assert [tuple(i.shape) for i in generator.inputs] == [(None, 100), (None, 1)]
    assert [tuple(i.shape) for i in discriminator.inputs] == [(None, 28, 28, 1), (None, 1)]
    assert generator.get_layer("label_embedding").input_dim == 10
    assert generator.get_layer("label_embedding").output_dim == 50
    assert discriminator.get_layer("logit").activation is keras.activations.linear


def test_the_reports_tanh_output_is_an_option_and_bounds_the_score():
    _, discriminator = models.build_gan_models("conditional_dcgan_report004_tanh", (28, 28, 1))
    assert discriminator.count_params() == 196_773
    scores = keras.ops.convert_to_numpy(discriminator([random_images(8) * 1e3, digit_labels(8)]))
    assert np.all(np.abs(scores) <= 1.0)
    with pytest.raises(ValueError, match="'sigmoid'.*accepted are \\['logit', 'tanh'\\]"):
        models.conditional_dcgan_discriminator(output="sigmoid")


def test_acgan_discriminator_has_a_source_head_and_a_class_head():
    generator, discriminator = models.build_gan_models("acgan_cifar10", (32, 32, 3))
    source, classes = discriminator(np.zeros((2, 32, 32, 3), np.float32))
    assert tuple(source.shape) == (2, 1) and tuple(classes.shape) == (2, 10)
    assert tuple(generator.output_shape) == (None, 32, 32, 3)
    assert (generator.count_params(), discriminator.count_params()) == (1_469_479, 563_467)
    with pytest.raises(ValueError, match="n_classes must be an integer of at least 2, got 1"):
        models.acgan_discriminator(n_classes=1)


def test_class_loss_is_the_negative_log_likelihood_of_the_true_class():
    logits = np.array([[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]], np.float32)
    labels = np.array([0, 2])
    log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected = -np.mean([log_softmax[0, 0], log_softmax[1, 2]])
    assert float(losses.class_loss(labels, logits)) == pytest.approx(expected, rel=1e-6)
    assert float(losses.class_loss(labels.reshape(-1, 1), logits)) == pytest.approx(expected, rel=1e-6)


# --- each kind of conditioning is a class; make_gan picks it from the networks ------------------

def test_each_conditional_class_takes_its_networks_and_reads_the_number_of_classes():
    assert type(variants.make_gan(*small_conditional_models())) is conditional.ConditionalGAN
    acgan = variants.make_gan(*small_acgan_models())
    assert type(acgan) is conditional.ACGAN and acgan.n_classes == 10
    with pytest.raises(ValueError, match="n_classes=7 but the networks are built for 10 classes"):
        conditional.ConditionalGAN(*small_conditional_models(), n_classes=7)
    with pytest.raises(ValueError, match=r"ACGAN takes networks with .* = \(2, 1, 2\); these have \(2, 2, 1\)"):
        conditional.ACGAN(*small_conditional_models())
    with pytest.raises(ValueError, match="use variants.ConditionalGAN or variants.ACGAN"):
        training.GAN(*small_conditional_models())
    generator, _ = small_conditional_models()
    _, unconditional_discriminator = models.build_gan_models("keras_gan_report001")
    with pytest.raises(ValueError, match=r"these have \(2, 1, 1\)"):
        conditional.ConditionalGAN(generator, unconditional_discriminator)


def test_labels_outside_the_classes_or_of_the_wrong_shape_get_clear_errors():
    gan = compiled(*small_conditional_models())
    noise = sampling.latent_points(4, CONDITIONAL_LATENT)
    with pytest.raises(ValueError, match="must lie in 0..9, got values from 0 to 10"):
        gan.generate(noise, [0, 1, 2, 10])
    with pytest.raises(ValueError, match="must lie in 0..9, got values from -1"):
        gan.generate(noise, [-1, 1, 2, 3])
    with pytest.raises(ValueError, match=r"shape \(4,\) to match the images, got \(2, 2\)"):
        gan.generate(noise, [[0, 1], [2, 3]])
    with pytest.raises(ValueError, match="must be integers, got dtype float"):
        gan.generate(noise, [0.0, 1.5, 2.0, 3.0])
    with pytest.raises(ValueError, match="conditional: generate needs labels"):
        gan.generate(noise)
    with pytest.raises(ValueError, match="must lie in 0..9"):
        data.make_dataset(random_images(8), np.full(8, 10), batch_size=4, n_classes=10)
    with pytest.raises(ValueError, match="must lie in 0..9"):
        gan.fit(random_images(8), np.full(8, 12), batch_size=4, verbose=0)
    with pytest.raises(ValueError, match="fit needs labels"):
        gan.fit(random_images(8), batch_size=4, verbose=0)
    with pytest.raises(ValueError, match="conditional.*make_dataset\\(images, labels"):
        gan.fit(data.make_dataset(random_images(8), batch_size=4), verbose=0)
    unconditional = training.GAN(*models.build_gan_models("keras_gan_report001"))
    with pytest.raises(ValueError, match="unconditional: generate takes no labels"):
        unconditional.generate(sampling.latent_points(2, 100), [0, 1])


def test_generated_classes_follow_the_requested_labels_and_inputs_of_shape_n_or_n_1_agree():
    gan = compiled(*small_conditional_models())
    noise = sampling.latent_points(3, CONDITIONAL_LATENT)
    flat = gan.generate(noise, np.array([1, 5, 9]))
    column = gan.generate(noise, np.array([[1], [5], [9]]))
    np.testing.assert_allclose(flat, column)
    # The same latent point with another label is another image: the label reaches the pixels.
    other = gan.generate(noise, np.array([2, 6, 0]))
    assert np.abs(flat - other).mean() > 1e-4


# --- training ----------------------------------------------------------------------------------

@pytest.mark.jax
def test_acgan_logs_both_terms_and_class_accuracies_on_real_and_generated_images():
    gan = compiled(*small_acgan_models())
    images = random_images(32) * 2 - 1
    history = gan.fit(data.make_dataset(images, digit_labels(32), batch_size=8, n_classes=10), epochs=2, verbose=0)
    expected = {"d_loss", "g_loss", "real_acc", "fake_acc", "class_loss", "g_class_loss", "real_class_acc", "fake_class_acc"}
    assert set(history.history) == expected
    assert all(math.isfinite(v) for values in history.history.values() for v in values)
    # Before any learning the class terms sit near log(10), the cross-entropy of a uniform guess.
    assert history.history["class_loss"][0] == pytest.approx(math.log(10), abs=0.3)
    result = gan.evaluate(data.make_dataset(images, digit_labels(32, seed=1), batch_size=8, shuffle=False),
                          return_dict=True, verbose=0)
    assert set(result) == expected


@pytest.mark.jax
def test_conditional_gans_take_critic_steps_and_the_gradient_penalty_on_the_same_core():
    gan = compiled(*small_conditional_models(), loss="wasserstein", d_steps=2, gradient_penalty_weight=10.0)
    images = random_images(32) * 2 - 1
    history = gan.fit(data.make_dataset(images, digit_labels(32), batch_size=8, n_classes=10), epochs=1, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "wasserstein", "gradient_penalty"}
    assert int(gan.g_optimizer.iterations.numpy()) == 2 and int(gan.d_optimizer.iterations.numpy()) == 4
    assert all(math.isfinite(v) for values in history.history.values() for v in values)


@pytest.mark.jax
def test_class_weight_zero_makes_an_acgan_ignore_its_class_head():
    gan = compiled(*small_acgan_models(), class_loss_weight=0.0)
    head = gan.discriminator.get_layer("class_logits")
    before = [keras.ops.convert_to_numpy(w).copy() for w in head.weights]
    gan.fit(data.make_dataset(random_images(16), digit_labels(16), batch_size=8), epochs=1, verbose=0)
    for old, new in zip(before, head.weights):
        np.testing.assert_array_equal(old, keras.ops.convert_to_numpy(new))
    with pytest.raises(ValueError, match="class_loss_weight must be >= 0, got -1"):
        conditional.ACGAN(*small_acgan_models(), class_loss_weight=-1)


def test_conditional_sample_grid_has_one_row_per_class_sharing_latent_points_by_column(tmp_path):
    gan = compiled(*small_conditional_models())
    inputs = sampling.grid_inputs(gan, 30, seed=4)
    assert inputs.columns == 3
    np.testing.assert_array_equal(inputs.labels, np.repeat(np.arange(10), 3))
    np.testing.assert_array_equal(inputs.noise[0], inputs.noise[3])  # column 0 of class 0 and of class 1
    assert not np.array_equal(inputs.noise[0], inputs.noise[1])
    with pytest.raises(ValueError, match="multiple of n_classes=10, got 16"):
        sampling.grid_inputs(gan, 16)
    grid = callbacks.SampleGrid(tmp_path, value_range="tanh", zoom=1)
    gan.fit(data.make_dataset(random_images(16), digit_labels(16), batch_size=8), epochs=1, verbose=0, callbacks=[grid])
    import imageio.v3 as iio

    frame = iio.imread(grid.frame_path(1))
    assert frame.shape == (10 * 28 + 11 * 2, 10 * 28 + 11 * 2)  # 10 classes x 10 columns, 2-pixel padding


def test_class_interpolation_runs_from_one_class_to_the_other_at_a_fixed_latent_point():
    gan = compiled(*small_conditional_models())
    noise = sampling.latent_points(1, CONDITIONAL_LATENT, seed=3)[0]
    path = experiments.class_interpolation(gan.generator, noise, 2, 7, steps=5)
    assert path.shape == (5, 28, 28, 1)
    np.testing.assert_allclose(path[0], gan.generate(noise[None], [2])[0], atol=1e-5)
    np.testing.assert_allclose(path[-1], gan.generate(noise[None], [7])[0], atol=1e-5)
    with pytest.raises(ValueError, match="end_class must be a class index in 0..9, got 10"):
        experiments.class_interpolation(gan.generator, noise, 2, 10)
    with pytest.raises(ValueError, match="label_embedding"):
        experiments.class_interpolation(models.build_gan_models("keras_gan_report001")[0], np.zeros(100), 0, 1)


def test_plots_show_class_rows_and_acgan_class_terms():
    import matplotlib

    matplotlib.use("Agg")
    figure = viz.show_class_grid(random_images(20), [str(d) for d in range(10)])
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == [str(d) for d in range(10)]
    with pytest.raises(ValueError, match="21 images cannot make 10 equal rows"):
        viz.show_class_grid(random_images(21), [str(d) for d in range(10)])
    history = {name: [1.0, 0.5] for name in ("d_loss", "g_loss", "real_acc", "fake_acc", "class_loss",
                                             "g_class_loss", "real_class_acc", "fake_class_acc")}
    assert len(viz.plot_losses(history).axes) == 4  # losses, accuracy, class terms + accuracy twin


def test_class_accuracy_needs_a_conditional_gan(tiny_gan):
    with pytest.raises(ValueError, match="needs a conditional GAN"):
        metrics.class_accuracy(tiny_gan, "mnist_5k", "sigmoid")


def test_with_the_reports_tanh_output_the_discriminator_loss_cannot_fall_below_its_floor():
    """A tanh read as a logit caps P(real) at sigmoid(1): each half's loss is at least softplus(-1).
    Against a frozen generator a logit discriminator goes far below that floor; the tanh one cannot."""
    images, labels = random_images(64) * 2 - 1, digit_labels(64)
    lowest = {}
    for output in ("logit", "tanh"):
        keras.utils.set_random_seed(0)
        generator, _ = small_conditional_models()
        discriminator = models.conditional_dcgan_discriminator(
            (28, 28, 1), 10, embedding_dim=16, filters=(32, 32), output=output
        )
        gan = conditional.ConditionalGAN(generator, discriminator, seed=0)
        gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.SGD(0.0))
        history = gan.fit(data.make_dataset(images, labels, batch_size=16, seed=0), epochs=15, verbose=0)
        lowest[output] = min(history.history["d_loss"])
    floor = math.log1p(math.exp(-1.0))  # 0.3133
    assert lowest["logit"] < 0.5 * floor, lowest  # measured: 0.004 (tanh: 0.314)
    assert lowest["tanh"] >= floor - 1e-4, lowest


# --- report 004's black digits: the diagnosis, and the regression test that would have caught them ---

def test_saturation_reads_the_mean_pixel_the_saturated_share_and_the_tanhs_slope():
    images = np.array([-1.0, -1.0, 0.0, 0.5]).reshape(1, 2, 2, 1)
    measured = diagnostics.saturation(images)
    assert measured["mean_pixel"] == pytest.approx(-0.375)
    assert measured["saturated_share"] == pytest.approx(0.5)  # |x| > 0.99
    assert measured["tanh_slope"] == pytest.approx((0 + 0 + 1 + 0.75) / 4)  # mean of 1 - x^2
    with pytest.raises(ValueError, match=r"tanh images in \[-1, 1\]; these span \[0, 1.5\]"):
        diagnostics.saturation(images + 1.0)
    with pytest.raises(ValueError, match="finite"):
        diagnostics.saturation(np.full((1, 2, 2, 1), np.nan))
