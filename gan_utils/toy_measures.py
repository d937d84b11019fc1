"""The toy lab's measurements (notebooks 00 and 12): densities, the optimal discriminator, the value
of the game and the Jensen-Shannon divergence in 1-D; modes covered and high-quality samples in 2-D,
beside the published tables."""

from __future__ import annotations

import math
from dataclasses import dataclass

import keras
import numpy as np

from gan_utils.toy import (
    MODE_COLLAPSE_RECIPES,
    GaussianMixture,
    Snapshots,
    discriminator_output,
    mesh,
    mlp_discriminator,
    train,
)


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


def published_mode_collapse_table() -> str:
    """The published rows, as Markdown, for the table beside ours."""
    lines = ["| source | model | ring_8 modes | ring_8 high-quality (%) | grid_25 modes | grid_25 high-quality (%) |",
             "|---|---|---|---|---|---|"]
    for source, rows in PUBLISHED.items():
        for model, values in rows.items():
            ring_values, grid_values = values["ring_8"], values["grid_25"]
            lines.append(f"| {source} | {model} | {ring_values[0]} | {ring_values[1]} | {grid_values[0]} | {grid_values[1]} |")
    return "\n".join(lines)
