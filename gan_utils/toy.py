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

from gan_utils import models, training, variants


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
    """A loss and its training options for ``GAN.compile``: what differs between the ways of
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
        if self.optimizer not in ("adam", "sgd"):
            raise ValueError(f"Unknown toy optimizer {self.optimizer!r}; accepted are ['adam', 'sgd'].")

    def make_optimizer(self):
        if self.optimizer == "sgd":
            return keras.optimizers.SGD(self.learning_rate, momentum=self.beta_1)
        return keras.optimizers.Adam(self.learning_rate, beta_1=self.beta_1, beta_2=self.beta_2)

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


def kernel_density(samples, points, min_bandwidth: float = 0.05) -> np.ndarray:
    """A Gaussian kernel density estimate of ``samples`` at ``points`` (scikit-learn's), with
    Silverman's bandwidth but never below ``min_bandwidth``: a collapsed generator (all samples on
    one point) still gets a density whose integrals are finite."""
    from sklearn.neighbors import KernelDensity

    samples = np.asarray(samples, dtype=np.float64)
    samples = samples.reshape(len(samples), -1)
    points = np.asarray(points, dtype=np.float64).reshape(-1, samples.shape[1])
    silverman = 1.06 * float(samples.std(axis=0).mean()) * len(samples) ** (-1 / (samples.shape[1] + 4))
    estimate = KernelDensity(bandwidth=max(silverman, min_bandwidth)).fit(samples)
    return np.exp(estimate.score_samples(points))


def optimal_discriminator(p_data, p_g) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)) (Goodfellow et al. 2014, Proposition 1); 1/2 where
    both densities vanish."""
    p_data, p_g = np.asarray(p_data, dtype=np.float64), np.asarray(p_g, dtype=np.float64)
    total = p_data + p_g
    return np.divide(p_data, total, out=np.full_like(total, 0.5), where=total > 0)


def _integrate(values, xs) -> float:
    return float(np.trapezoid(values, xs)) if hasattr(np, "trapezoid") else float(np.trapz(values, xs))


def game_value(d, p_data, p_g, xs) -> float:
    """V(D, G) = E_data[log D(x)] + E_g[log(1 - D(x))], integrated over the 1-D grid ``xs``."""
    d = np.clip(np.asarray(d, dtype=np.float64), 1e-12, 1 - 1e-12)
    return _integrate(p_data * np.log(d) + p_g * np.log1p(-d), xs)


def jensen_shannon(p, q, xs) -> float:
    """JSD(p || q) in nats of two densities sampled on the 1-D grid ``xs`` (between 0 and log 2)."""
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    m = 0.5 * (p + q)

    def kl(a):
        ratio = np.divide(a, m, out=np.ones_like(a), where=(a > 0) & (m > 0))
        return a * np.log(ratio)

    return 0.5 * _integrate(kl(p), xs) + 0.5 * _integrate(kl(q), xs)


@dataclass(frozen=True)
class OptimalDiscriminatorCheck:
    """A discriminator trained to convergence against a frozen generator, beside the theory."""

    xs: np.ndarray  # the 1-D grid
    p_data: np.ndarray
    p_g: np.ndarray  # kernel density estimate of the frozen generator's samples
    trained: np.ndarray  # D(x) of the converged discriminator
    optimal: np.ndarray  # D*(x) = p_data / (p_data + p_g)
    support: np.ndarray  # where the comparison is made: p_data + p_g above 5% of its maximum
    value_trained: float  # V(D, G), Monte Carlo on the training samples
    value_optimal: float  # V(D*, G), integrated on the grid
    jsd: float  # JSD(p_data || p_g) in nats, integrated on the grid

    @property
    def max_difference(self) -> float:
        return float(np.abs(self.trained - self.optimal)[self.support].max())

    @property
    def mean_difference(self) -> float:
        return float(np.abs(self.trained - self.optimal)[self.support].mean())

    @property
    def theory_value(self) -> float:
        """-log 4 + 2 JSD(p_data || p_g): the value of the game at D* (Goodfellow et al., Theorem 1)."""
        return -math.log(4.0) + 2.0 * self.jsd


def check_optimal_discriminator(generator, mixture: GaussianMixture, xs, n_samples: int = 50_000, epochs: int = 10,
                                seed: int = 0, width: int = 64, depth: int = 2) -> OptimalDiscriminatorCheck:
    """Freeze ``generator``, train a fresh discriminator to convergence on ``n_samples`` real and
    ``n_samples`` generated 1-D points (binary cross-entropy, Adam 1e-3, batch 500), and compare
    its D(x) with D*(x) computed from the data's density and a kernel density estimate of the
    generator's."""
    if mixture.dim != 1:
        raise ValueError(f"check_optimal_discriminator works on 1-D data; {mixture.name} is {mixture.dim}-D.")
    xs = np.asarray(xs, dtype=np.float64).reshape(-1)
    real = mixture.sample(n_samples, seed)
    noise = np.random.default_rng(seed + 1).standard_normal((n_samples, int(generator.inputs[0].shape[-1])))
    fake = keras.ops.convert_to_numpy(generator(noise.astype(np.float32), training=False)).reshape(-1, 1)
    keras.utils.set_random_seed(seed)
    discriminator = mlp_discriminator(1, width, depth)
    discriminator.compile(keras.optimizers.Adam(1e-3), keras.losses.BinaryCrossentropy(from_logits=True))
    points = np.concatenate([real, fake]).astype(np.float32)
    targets = np.concatenate([np.ones(n_samples), np.zeros(n_samples)]).astype(np.float32)
    discriminator.fit(points, targets, batch_size=500, epochs=epochs, shuffle=True, verbose=0)
    p_data, p_g = mixture.density(xs), kernel_density(fake, xs)
    total = p_data + p_g
    d_real = discriminator_output(discriminator, real)
    d_fake = discriminator_output(discriminator, fake)
    eps = 1e-12
    value = float(np.mean(np.log(d_real + eps)) + np.mean(np.log1p(-d_fake + eps)))
    optimal = optimal_discriminator(p_data, p_g)
    return OptimalDiscriminatorCheck(
        xs, p_data, p_g, discriminator_output(discriminator, xs), optimal, total > 0.05 * total.max(),
        value, game_value(optimal, p_data, p_g, xs), jensen_shannon(p_data, p_g, xs))


@dataclass(frozen=True)
class ModeCoverage:
    """The mode-collapse literature's two numbers for one set of samples."""

    modes: int  # modes with at least ``min_per_mode`` high-quality samples
    high_quality: float  # share of samples within ``n_stds`` standard deviations of a mode's centre
    counts: np.ndarray  # high-quality samples per mode

    def __str__(self):
        return f"{self.modes} modes, {100 * self.high_quality:.1f}% high-quality samples"


def mode_coverage(samples, mixture: GaussianMixture, n_stds: float = 3.0, min_per_mode: int = 1) -> ModeCoverage:
    """Modes covered and the share of high-quality samples: a sample is high-quality when it lies
    within ``n_stds`` standard deviations of its nearest mode's centre, and a mode is covered when
    at least ``min_per_mode`` high-quality samples fall on it."""
    samples = np.asarray(samples, dtype=np.float64).reshape(-1, mixture.dim)
    if not len(samples):
        raise ValueError("mode_coverage needs at least one sample.")
    distances = np.linalg.norm(samples[:, None, :] - mixture.means[None], axis=-1)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(samples)), nearest] <= n_stds * mixture.std
    counts = np.bincount(nearest[good], minlength=mixture.n_modes)
    return ModeCoverage(int((counts >= min_per_mode).sum()), float(good.mean()), counts)


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
        self.probability = bool(self.model.gan_loss.classifies)
        self.decisions.append(discriminator_output(self.model.discriminator, self.points, self.probability))


# --- the mode-collapse comparison ----------------------------------------------------------------

# Published numbers on the same two benchmarks, copied from the authors' own table images (their
# protocols differ from ours: see ``PUBLISHED_PROTOCOLS``). (modes, % high-quality samples).
PUBLISHED = {
    "VEEGAN, Table 1 (Srivastava et al. 2017; github.com/akashgit/VEEGAN, tab.png)": {
        "GAN": {"ring_8": ("1", "99.3"), "grid_25": ("3.3", "0.5")},
        "ALI": {"ring_8": ("2.8", "0.13"), "grid_25": ("15.8", "1.6")},
        "Unrolled GAN": {"ring_8": ("7.6", "35.6"), "grid_25": ("23.6", "16")},
        "VEEGAN": {"ring_8": ("8", "52.9"), "grid_25": ("24.6", "40")},
    },
    "PacGAN, Table 1 (Lin et al. 2018; github.com/fjxmlzn/PacGAN, results/Table1.png)": {
        "GAN": {"ring_8": ("6.3±0.5", "98.2±0.2"), "grid_25": ("17.3±0.8", "94.8±0.7")},
        "ALI": {"ring_8": ("6.6±0.3", "97.6±0.4"), "grid_25": ("24.1±0.4", "95.7±0.6")},
        "PacGAN2": {"ring_8": ("7.9±0.1", "95.6±2.0"), "grid_25": ("23.8±0.7", "91.3±0.8")},
        "PacGAN4": {"ring_8": ("7.8±0.1", "95.9±1.4"), "grid_25": ("24.8±0.2", "93.6±0.6")},
    },
}
PUBLISHED_PROTOCOLS = {
    "VEEGAN": "2,500 samples per model, mean of 5 runs, no spread given; a mode is captured when it is the "
              "nearest mode of at least one high-quality sample (within 3 std); grid -4..4 step 2, std 0.05 "
              "(its code); ring radius and training length not stated in what we could read.",
    "PacGAN": "2,500 samples, mean ± standard error of 10 runs; ring radius 1, std 0.01; grid -4..4 step 2, "
              "std 0.05; generator 4 x 400 units with batch norm, maxout discriminator, Adam 1e-4 (beta_1 0.8), "
              "batch 100, 400 epochs of 100,000 samples (about 400,000 steps; its code).",
}


@dataclass
class ToyRun:
    """One toy training run and its measurement."""

    mixture: str
    recipe: str
    seed: int
    steps: int
    coverage: ModeCoverage
    seconds: float
    snapshots: Snapshots | None = None
    history: dict | None = None


def compare_recipes(mixture: GaussianMixture, recipes=MODE_COLLAPSE_RECIPES, seeds=(0, 1, 2), steps: int = 1500,
                    n_samples: int = 2500, snapshot_seed: int | None = 0, snapshot_every: int = 100,
                    grid=None) -> list[ToyRun]:
    """Train every recipe on ``mixture`` from every seed on the same networks and budget (``steps``
    generator steps of batch 256), and measure ``n_samples`` samples of each (``mode_coverage``).
    Runs from ``snapshot_seed`` keep ``Snapshots`` (over ``grid = mesh(mixture)``) for pictures."""
    import time

    from tqdm.auto import tqdm

    grid = grid if grid is not None else mesh(mixture)
    runs = []
    jobs = [(name, seed) for name in recipes for seed in seeds]
    gans = {}  # one compiled GAN per recipe, restarted for each seed (the step is traced once)
    for name, seed in tqdm(jobs, desc=f"{mixture.name}: {len(recipes)} recipes x {len(seeds)} seeds", unit="run"):
        start = time.perf_counter()
        keep = seed == snapshot_seed
        gan, snapshots = train(mixture, name, steps, seed, snapshot_points=grid[2] if keep else None,
                               snapshot_every=snapshot_every if keep else None, gan=gans.get(name))
        gans[name] = gan
        noise = np.random.default_rng(10_000 + seed).standard_normal((n_samples, gan.latent_dim)).astype(np.float32)
        coverage = mode_coverage(gan.generate(noise), mixture)
        history = {key: list(map(float, values)) for key, values in gan.history.history.items()}
        runs.append(ToyRun(mixture.name, name, seed, steps, coverage, time.perf_counter() - start, snapshots, history))
    return runs


def coverage_table(runs) -> str:
    """A Markdown table: per mixture and recipe, modes covered and % high-quality samples, mean ±
    standard deviation over the seeds."""
    lines = ["| data | recipe | seeds | modes covered | high-quality samples (%) |", "|---|---|---|---|---|"]
    keys = list(dict.fromkeys((run.mixture, run.recipe) for run in runs))
    for mixture_name, recipe_name in keys:
        chosen = [run for run in runs if (run.mixture, run.recipe) == (mixture_name, recipe_name)]
        modes = np.array([run.coverage.modes for run in chosen], dtype=float)
        quality = 100 * np.array([run.coverage.high_quality for run in chosen])
        lines.append(f"| {mixture_name} | {recipe_name} | {len(chosen)} | {modes.mean():.1f} ± {modes.std():.1f} | "
                     f"{quality.mean():.1f} ± {quality.std():.1f} |")
    return "\n".join(lines)


def published_table() -> str:
    """The published rows, as Markdown, for the table beside ours."""
    lines = ["| source | model | ring_8 modes | ring_8 high-quality (%) | grid_25 modes | grid_25 high-quality (%) |",
             "|---|---|---|---|---|---|"]
    for source, rows in PUBLISHED.items():
        for model, values in rows.items():
            ring_values, grid_values = values["ring_8"], values["grid_25"]
            lines.append(f"| {source} | {model} | {ring_values[0]} | {ring_values[1]} | {grid_values[0]} | {grid_values[1]} |")
    return "\n".join(lines)


# --- pictures ---------------------------------------------------------------------------------


def mesh(mixture: GaussianMixture, n: int = 81, margin: float = 0.5):
    """(xs, ys, points): a square n x n grid over the 2-D data's range, and its points as (n*n, 2)."""
    low, high = mixture.means.min() - margin - 3 * mixture.std, mixture.means.max() + margin + 3 * mixture.std
    axis = np.linspace(low, high, n)
    xs, ys = np.meshgrid(axis, axis)
    return xs, ys, np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float32)


def draw_1d(ax, xs, p_data, p_g, decision, title: str = ""):
    """Goodfellow et al.'s Figure 1 style: data density (black dots), generator density (green),
    discriminator D(x) (blue dashes), and the line D = 1/2."""
    ax.plot(xs, p_data, "k:", lw=2, label=r"$p_\mathrm{data}$")
    ax.plot(xs, p_g, "g-", lw=1.5, label=r"$p_g$ (kernel density of G's samples)")
    ax.plot(xs, decision, "b--", lw=1.5, label=r"$D(x)$")
    ax.axhline(0.5, color="0.75", lw=0.8)
    ax.set_ylim(0, max(1.05, float(np.max(p_data)) * 1.1))
    ax.set_xlim(xs[0], xs[-1])
    ax.set_title(title, fontsize=10)


def draw_2d(ax, mixture: GaussianMixture, samples, decision, grid_xs, grid_ys, title: str = "", probability=True):
    """Generated points (orange) over real ones (black) on the discriminator's (critic's) contour."""
    levels = np.linspace(0, 1, 11) if probability else 15
    ax.contourf(grid_xs, grid_ys, np.asarray(decision).reshape(grid_xs.shape), levels=levels, cmap="Blues", alpha=0.6)
    real = mixture.sample(1000, seed=123)
    ax.scatter(real[:, 0], real[:, 1], s=2, c="k", label="real")
    samples = np.asarray(samples)[:1000]
    ax.scatter(samples[:, 0], samples[:, 1], s=2, c="tab:orange", alpha=0.6, label="generated")
    ax.set_xlim(grid_xs.min(), grid_xs.max())
    ax.set_ylim(grid_ys.min(), grid_ys.max())
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)


def figure_to_array(figure) -> np.ndarray:
    """The figure's pixels as uint8 (height, width, 3), for GIF frames."""
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()


def learning_frames(snapshots: Snapshots, mixture: GaussianMixture, grid=None, title: str = "", size=(4.2, 3.6)):
    """One picture per snapshot (1-D: densities and D(x) over ``snapshots.points``; 2-D: points
    and contour over ``grid = mesh(mixture)``), as uint8 arrays for ``files.write_gif``."""
    import matplotlib.pyplot as plt

    frames = []
    for step, samples, decision in zip(snapshots.steps, snapshots.samples, snapshots.decisions):
        figure, ax = plt.subplots(figsize=size, dpi=80)
        label = f"{title} step {step}".strip()
        if mixture.dim == 1:
            xs = snapshots.points.reshape(-1)
            draw_1d(ax, xs, mixture.density(xs), kernel_density(samples, xs), decision, label)
            ax.legend(fontsize=7, loc="upper left")  # a GIF is seen without its notebook's text
        else:
            grid_xs, grid_ys, _ = grid if grid is not None else mesh(mixture)
            draw_2d(ax, mixture, samples, decision, grid_xs, grid_ys, label, snapshots.probability)
            ax.legend(fontsize=7, loc="upper right", markerscale=3)
        figure.tight_layout()
        frames.append(figure_to_array(figure))
        plt.close(figure)
    return frames


def write_gifs(directory="gifs", seed: int = 0) -> list:
    """The toy GIFs of README.md and docs/results.md (what notebook 00 shows): the 1-D learning process (4,000 steps of
    ``goodfellow_sgd``), the sharper generator collapsing on the ring (2,000 steps), the same with a
    minibatch-std discriminator, and the grid of
    25 Gaussians under the reports' GAN and WGAN-GP (600 steps). About two minutes on 2 CPU cores. Returns the paths written."""
    from pathlib import Path

    from gan_utils import files

    directory = Path(directory)
    data, xs = two_bumps(), np.linspace(-4, 4, 321)
    _, snapshots = train(data, "goodfellow_sgd", steps=4000, seed=seed, width=64, snapshot_points=xs[:, None],
                         snapshot_every=100)
    paths = [files.write_gif(learning_frames(snapshots, data), directory / "toy_1d_learning_process.gif", duration_ms=150)]
    circle = ring()
    _, snapshots = train(circle, SHARP_RECIPE, steps=2000, seed=seed, **SHARP_NETWORKS, snapshot_points=mesh(circle)[2],
                         snapshot_every=100)
    paths.append(files.write_gif(learning_frames(snapshots, circle, title="sharper generator"),
                                 directory / "toy_ring_8_collapse.gif"))
    _, snapshots = train(circle, SHARP_RECIPE, steps=2000, seed=seed, **SHARP_NETWORKS, minibatch_std=True,
                         snapshot_points=mesh(circle)[2], snapshot_every=100)
    paths.append(files.write_gif(learning_frames(snapshots, circle, title="minibatch std"),
                                 directory / "toy_ring_8_minibatch_std.gif"))
    square = grid()
    for name in ("non_saturating", "wgan_gp"):
        _, snapshots = train(square, name, steps=600, seed=seed, snapshot_points=mesh(square)[2], snapshot_every=50)
        paths.append(files.write_gif(learning_frames(snapshots, square, title=name), directory / f"toy_grid_25_{name}.gif"))
    return paths
