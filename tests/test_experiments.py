import numpy as np
import pytest

from gan_utils import data, experiments

from helpers import TEST_DIGITS, tiny_gan_models


def test_slerp_keeps_the_norm_and_linear_shrinks_it():
    rng = np.random.default_rng(0)
    start, end = rng.standard_normal(100), rng.standard_normal(100)
    end *= np.linalg.norm(start) / np.linalg.norm(end)
    spherical = experiments.interpolate(start, end, steps=5, method="slerp")
    linear = experiments.interpolate(start, end, steps=5, method="linear")
    np.testing.assert_allclose(spherical[0], start, atol=1e-5)
    np.testing.assert_allclose(spherical[-1], end, atol=1e-5)
    norms = np.linalg.norm(spherical, axis=1)
    np.testing.assert_allclose(norms, np.linalg.norm(start), rtol=1e-4)
    assert np.linalg.norm(linear[2]) < 0.8 * np.linalg.norm(start)  # the midpoint of a chord
    np.testing.assert_allclose(linear[2], (start + end) / 2, atol=1e-5)


def test_interpolation_rejects_bad_input():
    with pytest.raises(ValueError, match="'cubic'.*linear.*slerp"):
        experiments.interpolate(np.ones(3), np.zeros(3), method="cubic")
    with pytest.raises(ValueError, match="same size"):
        experiments.interpolate(np.ones(3), np.ones(4))
    parallel = experiments.interpolate(np.ones(3), 2 * np.ones(3), steps=3)
    assert np.all(np.isfinite(parallel))


def test_pixel_arithmetic_clips_or_rescales():
    white = np.ones((1, 2, 2, 1), np.float32)
    half = np.full((1, 2, 2, 1), 0.5, np.float32)
    half[0, 0, 0, 0] = 0.0
    clipped = experiments.pixel_arithmetic(white, half, "+", "sigmoid", "clip")
    assert clipped.max() == 1.0 and clipped.min() == 1.0  # everything saturates white
    rescaled = experiments.pixel_arithmetic(white, half, "+", "sigmoid", "rescale")
    assert rescaled[0, 0, 0, 0] == 0.0 and rescaled.max() == pytest.approx(1.0)
    difference = experiments.pixel_arithmetic(half, white, "-", "tanh", "clip")
    assert difference.min() >= -1.0 and difference[0, 0, 0, 0] == -1.0
    with pytest.raises(ValueError, match="same shape"):
        experiments.pixel_arithmetic(white, np.ones((2, 2, 2, 1)))
    with pytest.raises(ValueError, match="'\\*'"):
        experiments.pixel_arithmetic(white, half, "*")


def test_nearest_neighbours_find_copies_in_pixel_and_feature_space():
    images, _ = data.load_dataset("mnist_5k", "train", "sigmoid", smoke=False, max_samples=200)
    queries = images[[5, 17, 42]] + 0.01
    distances, indices = experiments.nearest_neighbours(queries, images, k=2)
    assert indices[:, 0].tolist() == [5, 17, 42]
    assert np.all(distances[:, 0] < distances[:, 1])
    _, by_feature = experiments.nearest_neighbours(queries, images, features=lambda x: x.reshape(len(x), -1)[:, ::2])
    assert by_feature[:, 0].tolist() == [5, 17, 42]


def test_discriminator_features_and_a_linear_svm_beat_chance_on_digits():
    train, train_labels = data.load_dataset("mnist_5k", "train", "sigmoid", smoke=False, max_samples=TEST_DIGITS)
    test, test_labels = data.load_dataset("mnist_5k", "test", "sigmoid", smoke=False)
    _, discriminator = tiny_gan_models()
    train_features = experiments.discriminator_features(discriminator, train)
    test_features = experiments.discriminator_features(discriminator, test)
    # tiny discriminator: convs of 32 at 14x14 and 7x7, pooled to 4x4 (14 // 4 = 3 -> 4x4; 7 // 4 = 1 -> 7x7)
    assert train_features.shape == (len(train), 32 * 4 * 4 + 32 * 7 * 7)
    # Even a randomly initialised discriminator's features separate the digits (the baseline the
    # experiment compares a trained one against).
    assert experiments.linear_svm_accuracy(train_features, train_labels, test_features, test_labels) > 0.8


def test_swapping_the_labels_only_flips_the_sign_of_the_logit():
    import keras

    from gan_utils import training

    images = data.load_dataset("mnist_5k", "train", "sigmoid", smoke=False, max_samples=64)[0]

    def run(swap):
        keras.utils.set_random_seed(0)
        gan = training.GAN(*tiny_gan_models(), seed=0)
        gan.compile()
        if swap:
            gan = experiments.mirrored_label_swap(gan)
            assert (gan.real_label, gan.fake_label) == (0.0, 1.0)
        history = gan.fit(data.make_dataset(images, batch_size=16, seed=0), epochs=2, verbose=0).history
        return history, gan.sample(4)

    (normal, normal_images), (swapped, swapped_images) = run(False), run(True)
    for name in normal:
        np.testing.assert_allclose(normal[name], swapped[name], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(normal_images, swapped_images, atol=1e-3)


def test_class_mean_latents_average_the_latents_of_confident_classes():
    """A "generator" that is the identity and a "classifier" reading the sign of the first latent
    coordinate: class 1 latents have a positive first coordinate, class 0 a negative one."""
    classify = lambda z: np.stack([-10 * z[:, 0], 10 * z[:, 0]], axis=1)
    means, counts = experiments.class_mean_latents(lambda z: z, classify, latent_dim=3, n=4000, min_confidence=0.99)
    assert set(means) == {0, 1} and sum(counts.values()) < 4000  # unconfident samples near 0 are left out
    assert means[1][0] > 0.5 and means[0][0] < -0.5
    assert abs(means[1][1]) < 0.1 and abs(means[0][2]) < 0.1  # the other coordinates average out


def test_gan_feature_experiment_runs_offline_on_digits_with_a_trained_discriminator():
    """The whole experiment of notebook 09 on the digits: train briefly, extract, fit the SVM."""
    import keras

    from gan_utils import training

    train, train_labels = data.load_dataset("mnist_5k", "train", "sigmoid", smoke=False, max_samples=TEST_DIGITS)
    test, test_labels = data.load_dataset("mnist_5k", "test", "sigmoid", smoke=False)
    keras.utils.set_random_seed(0)
    gan = training.GAN(*tiny_gan_models(), seed=0)
    gan.compile()
    gan.fit(data.make_dataset(train, batch_size=64, seed=0), epochs=3, verbose=0)
    results = {}
    for name, extract in {
        "pixels": lambda x: x.reshape(len(x), -1),
        "trained": lambda x: experiments.discriminator_features(gan.discriminator, x),
    }.items():
        results[name] = experiments.linear_svm_accuracy(extract(train), train_labels, extract(test), test_labels)
    # Both far above chance (10%); measured on 1,408 real digits: trained 0.90, pixels 0.84.
    assert results["trained"] > 0.8 and results["pixels"] > 0.8
