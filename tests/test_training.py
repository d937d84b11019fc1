import math

import keras
import numpy as np
import pytest

from gan_utils import callbacks, data, sampling, training, variants

from helpers import random_images, tiny_gan_models


def test_a_few_hundred_steps_on_digits_learn(mnist_5k_sigmoid):
    """The discriminator leaves chance, the generator's images move towards the data, nothing NaNs."""
    images, _ = mnist_5k_sigmoid
    keras.utils.set_random_seed(0)
    gan = training.GAN(*tiny_gan_models(), seed=0)
    gan.compile()
    noise = sampling.latent_points(256, gan.latent_dim, seed=1)
    real_mean = images.mean(axis=0)
    before = np.abs(gan.generate(noise).mean(axis=0) - real_mean).mean()

    history = gan.fit(data.make_dataset(images, batch_size=64, seed=0), epochs=14, verbose=0)  # 308 steps

    values = history.history
    assert set(values) == {"d_loss", "g_loss", "real_acc", "fake_acc"}
    assert all(math.isfinite(v) for name in ("d_loss", "g_loss") for v in values[name])
    # An untrained discriminator sits at 50%; a learning one separates the two sets.
    assert max(values["real_acc"]) > 0.9
    assert max(values["fake_acc"]) > 0.75
    after = np.abs(gan.generate(noise).mean(axis=0) - real_mean).mean()
    assert after < 0.5 * before, (before, after)


@pytest.mark.jax
def test_evaluate_reports_accuracy_on_held_out_real_and_fresh_fakes(tiny_gan):
    images = random_images(16)
    before = [w.copy() for w in tiny_gan.get_weights()]
    result = tiny_gan.evaluate(images, batch_size=8, return_dict=True, verbose=0)
    assert set(result) == {"d_loss", "g_loss", "real_acc", "fake_acc"}
    # real_acc is the share of these real images the discriminator calls real (logit > 0), in
    # inference mode; evaluating changes no weight.
    logits = keras.ops.convert_to_numpy(tiny_gan.discriminator(images, training=False))
    assert result["real_acc"] == pytest.approx(float(np.mean(logits > 0)))
    for old, new in zip(before, tiny_gan.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_swapped_labels_train_the_discriminator_the_other_way():
    images = random_images(64)

    def separation_after_training(real_label, fake_label):
        """mean D(real) - mean D(fake) after a few discriminator-only steps (generator frozen)."""
        keras.utils.set_random_seed(0)
        gan = training.GAN(*tiny_gan_models(), real_label=real_label, fake_label=fake_label, seed=0)
        gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.SGD(0.0))
        gan.fit(images, batch_size=16, epochs=5, verbose=0)
        fakes = gan.generate(sampling.latent_points(64, gan.latent_dim))
        return float(np.mean(gan.discriminator(images)) - np.mean(gan.discriminator(fakes)))

    assert separation_after_training(1.0, 0.0) > 0.1  # real images score higher than fakes
    assert separation_after_training(0.0, 1.0) < -0.1  # ... and lower when the labels are swapped


@pytest.mark.jax
def test_same_seed_same_training():
    def run():
        keras.utils.set_random_seed(7)
        gan = training.GAN(*tiny_gan_models(), seed=7)
        gan.compile()
        history = gan.fit(data.make_dataset(random_images(32), batch_size=16, seed=7), epochs=2, verbose=0)
        return history.history["d_loss"], gan.generate(sampling.latent_points(2, gan.latent_dim))

    (loss_a, images_a), (loss_b, images_b) = run(), run()
    np.testing.assert_allclose(loss_a, loss_b, rtol=1e-6)
    np.testing.assert_allclose(images_a, images_b, atol=1e-6)


@pytest.mark.jax
def test_fit_accepts_image_label_pairs(tiny_gan):
    pipeline = data.make_dataset(random_images(16), np.arange(16) % 10, batch_size=8)
    history = tiny_gan.fit(pipeline, epochs=1, verbose=0)
    assert len(history.history["g_loss"]) == 1


@pytest.mark.jax
def test_fit_trains_every_step_asked_for_beyond_one_pass_of_a_finite_dataset(tiny_gan):
    # 16 images in batches of 8 are 2 batches; Keras alone stops at the data's end ("ran out of data").
    pipeline = data.make_dataset(random_images(16), batch_size=8, seed=0)
    history = tiny_gan.fit(pipeline, epochs=2, steps_per_epoch=5, verbose=0)
    assert int(tiny_gan.g_optimizer.iterations) == 10 and len(history.history["g_loss"]) == 2
    with pytest.raises(ValueError, match="steps_per_epoch must be a positive integer or None, got 0"):
        tiny_gan.fit(pipeline, steps_per_epoch=0, verbose=0)


def test_a_repeated_pipeline_reads_every_image_once_per_pass_in_a_new_order():
    images = np.arange(12, dtype=np.float32).reshape(12, 1, 1, 1)
    repeated = data.Batches(images, batch_size=4, seed=0).repeated()
    assert repeated.num_batches is None
    passes = [np.concatenate([repeated[index][0].ravel() for index in range(start, start + 3)]) for start in (0, 3)]
    assert all(sorted(p) == list(range(12)) for p in passes) and list(passes[0]) != list(passes[1])


def test_mismatched_models_and_labels_are_rejected():
    generator, _ = tiny_gan_models()
    _, other_discriminator = tiny_gan_models(image_shape=(32, 32, 3))
    with pytest.raises(ValueError, match=r"\(28, 28, 1\).*\(32, 32, 3\)"):
        training.GAN(generator, other_discriminator)
    with pytest.raises(ValueError, match="must differ"):
        training.GAN(*tiny_gan_models(), real_label=1, fake_label=1)
    with pytest.raises(ValueError, match="must differ"):
        training.GAN(*tiny_gan_models(), generator_label=0.0)
    with pytest.raises(ValueError, match="'least_squares'.*hinge.*minimax.*non_saturating.*wasserstein"):
        variants.make_gan(*tiny_gan_models(), loss="least_squares")
    with pytest.raises(ValueError, match="d_steps must be a positive integer, got 0"):
        variants.WGAN(*tiny_gan_models(), d_steps=0)
    with pytest.raises(ValueError, match="weight_clip must be positive"):
        variants.WGAN(*tiny_gan_models(), weight_clip=-0.01)
    with pytest.raises(ValueError, match="weight_clip=0.01 belongs to WGAN"):
        variants.make_gan(*tiny_gan_models(), weight_clip=0.01)
    with pytest.raises(ValueError, match="update='simultaneous'.*d_steps=5"):
        variants.make_gan(*tiny_gan_models(), update="simultaneous", loss="wasserstein", d_steps=5)
    gan = training.GAN(*tiny_gan_models())
    with pytest.raises(ValueError, match=r"shape \(n, 16\)"):
        gan.generate(np.zeros((2, 100)))


@pytest.mark.jax
def test_nan_loss_stops_with_epoch_and_step():
    gan = training.GAN(*tiny_gan_models(), seed=0)
    gan.compile()
    images = random_images(32)
    images[20:] = np.nan  # the third batch of 8 is poisoned
    with pytest.raises(FloatingPointError, match="epoch 1, step 3: d_loss=nan"):
        gan.fit(images, batch_size=8, epochs=1, verbose=0, callbacks=[callbacks.StopOnNonFiniteLoss()])


def test_compile_turns_xla_on_where_it_pays_unless_told():
    import tensorflow as tf

    gan = training.GAN(*tiny_gan_models())
    gan.compile()
    assert gan.jit_compile == bool(tf.config.list_physical_devices("GPU"))  # on a GPU only (TensorFlow)
    gan.compile(jit_compile=False)
    assert gan.jit_compile is False


@pytest.mark.jax
def test_critic_steps_group_batches_and_clipping_bounds_the_critic():
    gan = variants.WGAN(*tiny_gan_models(), d_steps=5, weight_clip=0.01, seed=0)
    gan.compile(d_optimizer=keras.optimizers.RMSprop(5e-5), g_optimizer=keras.optimizers.RMSprop(5e-5))
    history = gan.fit(data.make_dataset(random_images(80), batch_size=8, seed=0), epochs=1, verbose=0)
    # 10 batches = 2 generator steps of 5 critic steps each.
    assert int(gan.g_optimizer.iterations.numpy()) == 2
    assert int(gan.d_optimizer.iterations.numpy()) == 10
    assert set(history.history) == {"d_loss", "g_loss", "wasserstein"}
    assert all(float(np.max(np.abs(w))) <= 0.01 + 1e-7 for w in gan.discriminator.get_weights())


@pytest.mark.jax
def test_gradient_penalty_variant_logs_the_penalty_and_stays_finite():
    gan = variants.WGANGP(*tiny_gan_models(), d_steps=5, gradient_penalty_weight=10.0, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9),
                g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9))
    history = gan.fit(data.make_dataset(random_images(80), batch_size=8, seed=0), epochs=2, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "wasserstein", "gradient_penalty"}
    assert all(np.isfinite(v) for values in history.history.values() for v in values)
    assert history.history["gradient_penalty"][0] > 0


@pytest.mark.jax
def test_critic_steps_need_a_dataset_with_enough_batches():
    gan = variants.WGAN(*tiny_gan_models(), d_steps=5, seed=0)
    gan.compile()
    with pytest.raises(ValueError, match="5 discriminator steps per generator step need a pipeline of batches"):
        gan.fit(random_images(16), batch_size=8, verbose=0)
    with pytest.raises(ValueError, match="fewer than 5 batches"):
        gan.fit(data.make_dataset(random_images(16), batch_size=8), verbose=0)


def test_adam_takes_a_learning_rate_schedule_that_decays_per_step():
    schedule = keras.optimizers.schedules.CosineDecay(2e-4, decay_steps=4)
    gan = training.GAN(*tiny_gan_models(), seed=0)
    gan.compile(d_optimizer=training.adam(schedule), g_optimizer=training.adam(schedule))
    gan.fit(data.make_dataset(random_images(32), batch_size=8, seed=0), epochs=1, verbose=0)
    # Four steps along the cosine: the rate has reached 0, so a fifth step changes no weight.
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(0.0, abs=1e-12)
    before = [v.numpy() for v in gan.generator.trainable_variables]
    gan.fit(data.make_dataset(random_images(8), batch_size=8, seed=0), epochs=1, verbose=0)
    assert all(np.array_equal(a, v.numpy()) for a, v in zip(before, gan.generator.trainable_variables))
