"""GANs in one and two dimensions, where every density is known: the lab of notebook 00.

* **1-D** (report 001's theory, Goodfellow et al. 2014): a two-bump mixture, small MLPs trained by
  the one core (``training.GAN``) with k discriminator steps and SGD with momentum, snapshots of
  the data density, the generator's density and the discriminator's curve D(x) (the paper's
  Figure 1, "learning process"), the optimal discriminator D*(x) = p_data / (p_data + p_g) and the
  value of the game at D*, -log 4 + 2 JSD(p_data || p_g).
* **2-D** (mode collapse): the ring of 8 Gaussians (Metz et al. 2017, *Unrolled GANs*) and the
  5x5 grid of 25 Gaussians (Srivastava et al. 2017, *VEEGAN*; Lin et al. 2018, *PacGAN*), with
  those papers' measurements: modes covered and the share of high-quality samples (within three
  standard deviations of a mode's centre).

A toy GAN is an ordinary ``training.GAN`` whose "images" are vectors of shape (dim,): nothing here
is a second training loop. ``RECIPES`` names the four ways of training compared on the 2-D data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import keras
import numpy as np
import scipy.special

from gan_utils import models, names, training, variants


@dataclass(frozen=True)
class GaussianMixture:
    """Equal-weight mixture of isotropic Gaussians with one standard deviation ``std``."""

    name: str
    means: np.ndarray  # (modes, dim)
    std: float

    @property
    def dim(self) -> int:
        return int(self.means.shape[1])

    @property
    def n_modes(self) -> int:
        return int(self.means.shape[0])

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """n points, float32 (n, dim), reproducible from ``seed``."""
        rng = np.random.default_rng(seed)
        modes = rng.integers(0, self.n_modes, n)
        return (self.means[modes] + self.std * rng.standard_normal((n, self.dim))).astype(np.float32)

    def density(self, points) -> np.ndarray:
        """The mixture's probability density at each point of (n, dim) (or (n,) in 1-D)."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, self.dim)
        squared = ((points[:, None, :] - self.means[None]) ** 2).sum(axis=-1)
        normaliser = (2 * math.pi * self.std**2) ** (self.dim / 2)
        return np.exp(-squared / (2 * self.std**2)).mean(axis=1) / normaliser


def two_bumps(separation: float = 3.0, std: float = 0.5) -> GaussianMixture:
    """1-D: two Gaussians at -separation/2 and +separation/2."""
    return GaussianMixture("two_bumps", np.array([[-separation / 2], [separation / 2]]), std)


def ring(n_modes: int = 8, radius: float = 1.0, std: float = 0.01) -> GaussianMixture:
    """2-D: n Gaussians evenly spaced on a circle (radius 1, std 0.01: PacGAN's code for its 2D-ring)."""
    angles = 2 * math.pi * np.arange(n_modes) / n_modes
    return GaussianMixture(f"ring_{n_modes}", radius * np.stack([np.cos(angles), np.sin(angles)], axis=1), std)


def grid(side: int = 5, spacing: float = 2.0, std: float = 0.05) -> GaussianMixture:
    """2-D: side x side Gaussians on a square lattice centred at 0 (-4..4 step 2, std 0.05: VEEGAN's and PacGAN's)."""
    axis = spacing * (np.arange(side) - (side - 1) / 2)
    xs, ys = np.meshgrid(axis, axis, indexing="ij")
    return GaussianMixture(f"grid_{side * side}", np.stack([xs.ravel(), ys.ravel()], axis=1), std)


MIXTURES = {"two_bumps": two_bumps, "ring_8": ring, "grid_25": grid}


def mixture(name: str) -> GaussianMixture:
    if name not in MIXTURES:
        raise ValueError(f"Unknown toy distribution {name!r}; accepted are {sorted(MIXTURES)}.")
    return MIXTURES[name]()


# --- networks ---------------------------------------------------------------------------------


def mlp_generator(dim: int, latent_dim: int = 2, width: int = 128, depth: int = 2) -> keras.Model:
    """latent -> ``depth`` ReLU layers of ``width`` -> a point in R^dim (linear output)."""
    latent = keras.Input((latent_dim,), name="latent")
    x = latent
    for index in range(depth):
        x = keras.layers.Dense(width, activation="relu", name=f"hidden_{index}")(x)
    return keras.Model(latent, keras.layers.Dense(dim, name="point")(x), name="toy_generator")


def mlp_discriminator(dim: int, width: int = 128, depth: int = 2, minibatch_std: bool = False) -> keras.Model:
    """A point -> ``depth`` ReLU layers of ``width`` -> one logit (or critic score). With
    ``minibatch_std`` the first hidden layer's features get the batch's spread appended
    (``models.MinibatchStdDev``), which lets the discriminator see a collapsed batch."""
    point = keras.Input((dim,), name="point")
    x = point
    for index in range(depth):
        x = keras.layers.Dense(width, activation="relu", name=f"hidden_{index}")(x)
        if minibatch_std and index == 0:
            x = models.MinibatchStdDev(name="minibatch_std")(x)
    return keras.Model(point, keras.layers.Dense(1, name="logit")(x), name="toy_discriminator")


def points_dataset(points, batch_size: int, seed: int = 0):
    """A shuffled tf.data pipeline of full batches of points (the toy "images")."""
    import tensorflow as tf

    points = np.asarray(points, dtype=np.float32)
    if points.ndim != 2 or not np.all(np.isfinite(points)):
        raise ValueError(f"points must be a finite (n, dim) array, got shape {points.shape}.")
    if not 0 < batch_size <= len(points):
        raise ValueError(f"batch_size must be in 1..{len(points)} (the number of points), got {batch_size!r}.")
    pipeline = tf.data.Dataset.from_tensor_slices(points).shuffle(len(points), seed=seed)
    return pipeline.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


# --- how a toy GAN is trained -------------------------------------------------------------------


@dataclass(frozen=True)
class Recipe:
    """A loss and its training options (``variants.make_gan``): what differs between the ways of
    training compared here (the networks and the data stay the same)."""

    description: str
    loss: str = "non_saturating"
    d_steps: int = 1
    weight_clip: float | None = None
    gradient_penalty_weight: float = 0.0
    optimizer: str = "adam"  # "adam" (beta_1 0.5, as the reports) or "sgd" (with momentum)
    learning_rate: float = 1e-3
    beta_1: float = 0.5  # Adam's beta_1, or SGD's momentum
    beta_2: float = 0.999

    def __post_init__(self):
        if self.optimizer not in training.OPTIMIZERS:
            raise ValueError(f"Unknown toy optimizer {self.optimizer!r}; accepted are {list(training.OPTIMIZERS)}.")

    def make_optimizer(self):
        return training.optimizer(self.optimizer, self.learning_rate, self.beta_1, self.beta_2)

    def make_gan(self, generator, discriminator, seed=None, steps_per_execution: int = 1) -> training.GAN:
        """The networks in the GAN variant this recipe trains (``variants.make_gan``), compiled."""
        gan = variants.make_gan(generator, discriminator, loss=self.loss, d_steps=self.d_steps,
                                weight_clip=self.weight_clip, gradient_penalty_weight=self.gradient_penalty_weight,
                                seed=seed)
        gan.compile(d_optimizer=self.make_optimizer(), g_optimizer=self.make_optimizer(),
                    steps_per_execution=steps_per_execution)
        return gan


RECIPES = {
    # Report 001's algorithm (Goodfellow et al. 2014, Algorithm 1): k discriminator steps per
    # generator step, plain SGD with momentum ("we used momentum"). Momentum 0.5 as the reports'
    # beta_1; with 0.9 at this learning rate the 1-D game did not settle (notebook 00, exercise 2).
    "goodfellow_sgd": Recipe("Algorithm 1: k = 2 discriminator steps, SGD with momentum 0.5", d_steps=2,
                             optimizer="sgd", learning_rate=0.05),
    "non_saturating": Recipe("the reports' GAN: non-saturating generator loss -log D(G(z)), Adam"),
    "minimax": Recipe("Goodfellow's minimax loss: the generator minimises log(1 - D(G(z))), Adam", loss="minimax"),
    "wgan_clip": Recipe("WGAN: 5 critic steps, weights clipped to [-0.01, 0.01], Adam", loss="wasserstein",
                        d_steps=5, weight_clip=0.01),
    "wgan_gp": Recipe("WGAN-GP: 5 critic steps, gradient penalty 10, Adam betas (0.5, 0.9)", loss="wasserstein",
                      d_steps=5, gradient_penalty_weight=10.0, beta_2=0.9),
}
MODE_COLLAPSE_RECIPES = ("non_saturating", "minimax", "wgan_clip", "wgan_gp")
# A deeper generator with 16 noise numbers, trained twice as fast: its samples get sharp within
# 2,000 steps, and it collapses onto a subset of the ring's modes (notebook 00).
SHARP_RECIPE = Recipe("the reports' GAN, Adam 2e-3", learning_rate=2e-3)
SHARP_NETWORKS = {"latent_dim": 16, "width": 128, "depth": 3}


def recipe(name: str) -> Recipe:
    if name not in RECIPES:
        raise ValueError(f"Unknown toy recipe {name!r}; accepted are {sorted(RECIPES)}.")
    return RECIPES[name]


def build_gan(mixture: GaussianMixture, seed: int = 0, latent_dim: int | None = None, width: int = 128,
              depth: int = 2, minibatch_std: bool = False, recipe: Recipe | None = None,
              steps_per_execution: int = 1) -> training.GAN:
    """A toy GAN for ``mixture``: MLP generator and discriminator, seeded (latent size: the data's),
    compiled as ``recipe`` trains it (the reports' GAN by default)."""
    keras.utils.set_random_seed(seed)
    latent_dim = latent_dim or mixture.dim
    networks = (mlp_generator(mixture.dim, latent_dim, width, depth),
                mlp_discriminator(mixture.dim, width, depth, minibatch_std))
    return (recipe or RECIPES["non_saturating"]).make_gan(*networks, seed=seed, steps_per_execution=steps_per_execution)


def train(mixture: GaussianMixture, recipe_name: str | Recipe, steps: int, seed: int = 0, batch_size: int = 256,
          width: int = 128, depth: int = 2, latent_dim: int | None = None, minibatch_std: bool = False,
          snapshot_points=None, snapshot_every: int | None = None, n_points: int = 100_000, verbose=0,
          gan: training.GAN | None = None):
    """Train a toy GAN for ``steps`` generator steps; returns (gan, ``Snapshots`` or None).
    ``recipe_name``: a name in ``RECIPES`` or a ``Recipe``; the latent size defaults to the data's.

    The data are ``n_points`` fixed samples of the mixture (seeded), read in shuffled batches.
    Keras runs 50 steps per call of the compiled step (``steps_per_execution``): a toy step is so
    small that Python's per-step overhead would otherwise cost as much as the step itself.
    ``gan``: a GAN this function returned earlier for the same recipe, networks and step counts,
    restarted from this seed's initial state instead of built again (``restart``), which saves
    tracing the train step again: the seconds that dominate a short toy run.
    """
    if steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}.")
    every = snapshot_every or steps
    if gan is None:
        chosen = recipe_name if isinstance(recipe_name, Recipe) else recipe(recipe_name)
        gan = build_gan(mixture, seed, latent_dim=latent_dim, width=width, depth=depth, minibatch_std=minibatch_std,
                        recipe=chosen, steps_per_execution=math.gcd(50, every, steps))
        gan.initial_optimizer_state = [[v.numpy() for v in o.variables] for o in (gan.d_optimizer, gan.g_optimizer)]
    else:
        restart(gan, mixture, seed, latent_dim=latent_dim, width=width, depth=depth, minibatch_std=minibatch_std)
    pipeline = points_dataset(mixture.sample(n_points, seed), batch_size, seed).repeat()
    snapshots = None if snapshot_points is None else Snapshots(snapshot_points, every=every)
    gan.fit(pipeline, epochs=1, steps_per_epoch=steps, verbose=verbose, callbacks=[snapshots] if snapshots else [])
    return gan, snapshots


def restart(gan: training.GAN, mixture: GaussianMixture, seed: int, **networks) -> training.GAN:
    """Put a compiled toy GAN back in the state ``train`` would build for ``seed``: fresh weights
    from that seed, the optimizers as they were after ``compile``, the noise stream reseeded."""
    fresh = build_gan(mixture, seed, **networks)
    gan.generator.set_weights(fresh.generator.get_weights())
    gan.discriminator.set_weights(fresh.discriminator.get_weights())
    for optimizer, values in zip((gan.d_optimizer, gan.g_optimizer), gan.initial_optimizer_state):
        for variable, value in zip(optimizer.variables, values):
            variable.assign(value)
    gan.seed_generator.state.assign(fresh.seed_generator.state)
    return gan


# --- measurements -----------------------------------------------------------------------------


def discriminator_output(discriminator, points, probability: bool = True) -> np.ndarray:
    """D(x) = sigmoid(logit) at each point as a 1-D NumPy array, or the raw output (a WGAN
    critic's score) with ``probability=False``."""
    points = np.asarray(points, dtype=np.float32).reshape(-1, int(discriminator.inputs[0].shape[-1]))
    outputs = keras.ops.convert_to_numpy(discriminator(points, training=False)).reshape(-1).astype(np.float64)
    return scipy.special.expit(outputs) if probability else outputs  # expit: no overflow at large logits


# --- watching training ------------------------------------------------------------------------


class Snapshots(keras.callbacks.Callback):
    """Every ``every`` generator steps (and before the first), record the generator's points for
    fixed latent points and the discriminator's output on fixed ``points`` (a 1-D grid, or the
    flattened points of a 2-D mesh): D(x) for a discriminator, the score for a WGAN critic. The
    frames of the learning-process figures and GIFs."""

    def __init__(self, points, every: int, n_samples: int = 2000, seed: int = 0):
        super().__init__()
        if every < 1:
            raise ValueError(f"every must be a positive number of steps, got {every!r}.")
        self.points = np.asarray(points, dtype=np.float32)
        self.every = int(every)
        self.n_samples = n_samples
        self.seed = seed
        self.steps, self.samples, self.decisions = [], [], []
        self.probability = True

    def on_train_begin(self, logs=None):
        self._noise = np.random.default_rng(self.seed).standard_normal(
            (self.n_samples, self.model.latent_dim)).astype(np.float32)
        if not self.steps:
            self._record()

    def on_train_batch_end(self, batch, logs=None):
        # Counted in generator steps, whatever fit's steps_per_execution or the critic's d_steps.
        if self._step() % self.every == 0 and self._step() != self.steps[-1]:
            self._record()

    def _step(self) -> int:
        return int(self.model.g_optimizer.iterations)

    def _record(self):
        samples = keras.ops.convert_to_numpy(self.model.generator(self._noise, training=False))
        self.steps.append(self._step())
        self.samples.append(samples)
        # D(x) for a discriminator, the raw score for a WGAN critic (it is no probability).
        self.probability = "real_acc" in self.model.trackers  # logits (accuracies logged), not critic scores
        self.decisions.append(discriminator_output(self.model.discriminator, self.points, self.probability))


# --- pictures ---------------------------------------------------------------------------------


def mesh(mixture: GaussianMixture, n: int = 81, margin: float = 0.5):
    """(xs, ys, points): a square n x n grid over the 2-D data's range, and its points as (n*n, 2)."""
    low, high = mixture.means.min() - margin - 3 * mixture.std, mixture.means.max() + margin + 3 * mixture.std
    axis = np.linspace(low, high, n)
    xs, ys = np.meshgrid(axis, axis)
    return xs, ys, np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float32)


_MOVED = {"toy_measures": ("kernel_density", "optimal_discriminator", "game_value", "jensen_shannon",
                           "OptimalDiscriminatorCheck", "check_optimal_discriminator", "ModeCoverage", "mode_coverage",
                           "PUBLISHED", "PUBLISHED_PROTOCOLS", "ToyRun", "compare_recipes", "coverage_table",
                           "published_mode_collapse_table"),
          "toy_plots": ("draw_1d", "draw_2d", "figure_to_array", "learning_frames", "write_gifs")}


__getattr__ = names.forwarding(__name__, _MOVED)
