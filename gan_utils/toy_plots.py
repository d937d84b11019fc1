"""The toy lab's pictures: the learning-process figures (the paper's Figure 1 in 1-D, samples over the
discriminator's contour in 2-D) and their GIFs (``make toy-gifs``)."""

from __future__ import annotations

import numpy as np

from gan_utils.toy import SHARP_NETWORKS, SHARP_RECIPE, GaussianMixture, Snapshots, grid, mesh, ring, train, two_bumps
from gan_utils.toy_measures import kernel_density


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
