"""The toy lab (notebook 00 and 12): data with known densities, the measurements the theory talks
about, and toy GANs on the one training core. The notebooks assert the trained numbers at full
budget; these tests check the measurements on cases whose answer is known."""

import math

import numpy as np
import pytest

from gan_utils import toy


def test_mixtures_match_the_published_set_ups():
    ring, grid = toy.ring(), toy.grid()
    assert ring.n_modes == 8 and np.allclose(np.linalg.norm(ring.means, axis=1), 1.0) and ring.std == 0.01
    assert grid.n_modes == 25 and sorted(set(grid.means[:, 0])) == [-4, -2, 0, 2, 4] and grid.std == 0.05
    with pytest.raises(ValueError, match="'moons'.*grid_25"):
        toy.mixture("moons")


def test_a_1d_density_integrates_to_one_and_samples_follow_it():
    data = toy.two_bumps()
    xs = np.linspace(-6, 6, 2001)
    assert abs(np.trapezoid(data.density(xs), xs) - 1) < 1e-6
    samples = data.sample(20_000, seed=3)
    assert samples.shape == (20_000, 1) and samples.dtype == np.float32
    assert abs(samples.mean()) < 0.05 and abs(samples.std() - math.sqrt(1.5**2 + 0.5**2)) < 0.05
    assert np.array_equal(samples, data.sample(20_000, seed=3))  # reproducible from the seed


def test_mode_coverage_of_real_and_collapsed_samples():
    grid = toy.grid()
    real = toy.mode_coverage(grid.sample(2500, seed=0), grid)
    assert real.modes == 25 and real.high_quality > 0.98  # 99.7% of a Gaussian lies within 3 std (in 1-D)
    collapsed = np.repeat(grid.means[:1], 2500, axis=0)
    assert toy.mode_coverage(collapsed, grid).modes == 1 and toy.mode_coverage(collapsed, grid).high_quality == 1
    between = (grid.means[:1] + grid.means[1:2]) / 2  # halfway between two modes: not high quality
    assert toy.mode_coverage(np.repeat(between, 10, axis=0), grid).modes == 0


def test_optimal_discriminator_value_equals_minus_log4_plus_2jsd():
    xs = np.linspace(-8, 8, 4001)
    p = toy.GaussianMixture("p", np.array([[-1.0]]), 1.0).density(xs)
    q = toy.GaussianMixture("q", np.array([[1.0]]), 1.0).density(xs)
    d_star = toy.optimal_discriminator(p, q)
    jsd = toy.jensen_shannon(p, q, xs)
    assert 0 < jsd < math.log(2)
    assert abs(toy.game_value(d_star, p, q, xs) - (-math.log(4) + 2 * jsd)) < 1e-6
    # Any other discriminator does worse, and identical densities give D* = 1/2, JSD 0, V = -log 4.
    assert toy.game_value(np.clip(d_star + 0.05, 0, 1), p, q, xs) < toy.game_value(d_star, p, q, xs)
    assert np.allclose(toy.optimal_discriminator(p, p), 0.5) and toy.jensen_shannon(p, p, xs) == 0
    assert abs(toy.game_value(np.full_like(xs, 0.5), p, p, xs) + math.log(4)) < 1e-6


def test_kernel_density_of_a_collapsed_generator_stays_finite():
    xs = np.linspace(-4, 4, 321)
    density = toy.kernel_density(np.zeros((500, 1)), xs)
    assert np.all(np.isfinite(density)) and abs(np.trapezoid(density, xs) - 1) < 1e-3
    assert toy.jensen_shannon(toy.two_bumps().density(xs), density, xs) <= math.log(2) + 1e-6


def test_snapshots_count_generator_steps_whatever_the_critic_steps():
    data = toy.ring()
    gan, snapshots = toy.train(data, "wgan_clip", steps=20, seed=0, width=8,
                               snapshot_points=toy.mesh(data, n=5)[2], snapshot_every=10)
    assert snapshots.steps == [0, 10, 20] and not snapshots.probability  # a critic's score, not a probability
    assert snapshots.samples[-1].shape == (2000, 2) and snapshots.decisions[-1].shape == (25,)
    assert int(gan.d_optimizer.iterations) == 5 * 20


def test_compare_recipes_makes_a_table_with_mean_and_spread():
    runs = toy.compare_recipes(toy.ring(), recipes=("non_saturating", "minimax"), seeds=(0, 1), steps=10,
                               n_samples=100, snapshot_every=5)
    table = toy.coverage_table(runs)
    assert table.count("| ring_8 |") == 2 and table.count(" ± ") == 4
    assert [run.snapshots is not None for run in runs] == [True, False, True, False]
    assert "PacGAN" in toy.published_mode_collapse_table() and "VEEGAN" in toy.published_mode_collapse_table()


def test_unknown_recipe_and_bad_inputs_are_named():
    with pytest.raises(ValueError, match="'least_squares'.*goodfellow_sgd"):
        toy.recipe("least_squares")
    with pytest.raises(ValueError, match="batch_size"):
        toy.points_dataset(np.zeros((10, 2)), 64)
    with pytest.raises(ValueError, match="'adagrad'.*'adam', 'rmsprop', 'sgd'"):
        toy.Recipe("mine", optimizer="adagrad")
    with pytest.raises(ValueError, match="1-D"):
        toy.check_optimal_discriminator(None, toy.ring(), np.zeros(3))


def test_a_restarted_gan_trains_exactly_like_a_fresh_one():
    """compare_recipes restarts one compiled GAN per recipe instead of tracing the step per seed."""
    ring = toy.ring()
    other_seed, _ = toy.train(ring, "wgan_gp", 20, seed=1, width=8)
    fresh, _ = toy.train(ring, "wgan_gp", 20, seed=0, width=8)
    restarted, _ = toy.train(ring, "wgan_gp", 20, seed=0, width=8, gan=other_seed)
    noise = np.random.default_rng(0).standard_normal((50, 2)).astype("float32")
    np.testing.assert_allclose(restarted.generate(noise), fresh.generate(noise), atol=1e-6)
    assert int(restarted.g_optimizer.iterations) == 20


def test_a_discriminator_trained_to_convergence_matches_d_star():
    """Notebook 00's check on one seed: thresholds from 4 seeds x 2 freezing points measured while
    writing it (mean |D - D*| 0.012-0.038, largest 0.058-0.194, value identity within 0.007)."""
    data, xs = toy.two_bumps(), np.linspace(-4, 4, 321)
    gan, _ = toy.train(data, "goodfellow_sgd", steps=100, seed=2, width=64)
    check = toy.check_optimal_discriminator(gan.generator, data, xs, seed=2)
    assert check.jsd > 0.03  # the frozen generator is still far enough from the data to make D* non-trivial
    assert check.mean_difference < 0.06 and check.max_difference < 0.25
    assert abs(check.value_optimal - check.theory_value) < 0.02
    assert check.value_trained <= check.value_optimal + 0.02


def test_a_sharper_generator_collapses_onto_a_few_modes_of_the_ring():
    """Notebook 00's collapse at its full budget (the notebook, in smoke mode, trains 300 steps and
    prints its verdicts). Measured on seed 0 with this code on two CPUs: top-three share 0.78-0.79,
    84% of samples sharp; over seeds 0-3 0.54-1.00 and 63-87%."""
    ring = toy.ring()
    gan, _ = toy.train(ring, toy.SHARP_RECIPE, 2000, seed=0, **toy.SHARP_NETWORKS)
    noise = np.random.default_rng(10_000).standard_normal((2500, gan.latent_dim)).astype("float32")
    coverage = toy.mode_coverage(gan.generate(noise), ring)
    top_three = np.sort(coverage.counts)[-3:].sum() / coverage.counts.sum()
    # Thresholds below every measured seed (0-3: 0.54-1.00 and 63-87%), so another seed or machine
    # does not fail it; an uncollapsed generator puts 3/8 = 0.375 of its samples on three modes.
    assert top_three > 0.5 and coverage.high_quality > 0.6, (top_three, coverage)
