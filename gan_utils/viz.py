"""Image grids and loss plots, as pictures and matplotlib figures (files.py writes them to disk)."""

from __future__ import annotations

import math

import numpy as np

from gan_utils.data import check_images, resolve_value_range
from gan_utils.files import atomic_path


def to_uint8(images, value_range=(0.0, 1.0)) -> np.ndarray:
    """Map images from ``value_range`` ("sigmoid", "tanh" or (low, high)) to uint8, clipping."""
    low, high = resolve_value_range(value_range)
    unit = (np.asarray(images, dtype=np.float32) - low) / (high - low)
    return np.round(np.clip(unit, 0.0, 1.0) * 255.0).astype(np.uint8)


def image_grid(images, ncols: int | None = None, value_range=(0.0, 1.0), padding: int = 2) -> np.ndarray:
    """Tile a batch of images into one uint8 picture (height, width) or (height, width, 3).

    ``ncols`` defaults to the smallest square that holds the batch; gaps are ``padding`` pixels.
    """
    batch = to_uint8(check_images(images), value_range)
    count, height, width, channels = batch.shape
    ncols = ncols or math.ceil(math.sqrt(count))
    nrows = math.ceil(count / ncols)
    grid = np.full(
        (nrows * (height + padding) + padding, ncols * (width + padding) + padding, channels),
        255, dtype=np.uint8,
    )
    for index, image in enumerate(batch):
        row, col = divmod(index, ncols)
        top, left = padding + row * (height + padding), padding + col * (width + padding)
        grid[top : top + height, left : left + width] = image
    return grid[..., 0] if channels == 1 else grid


def upscale(picture: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour enlargement, so 28x28 samples stay crisp in a GIF viewer."""
    return np.repeat(np.repeat(picture, factor, axis=0), factor, axis=1)


def history_dict(history) -> dict:
    """Accept a keras History, or a dict of metric name -> list of values."""
    return dict(getattr(history, "history", history))


def plot_losses(history, path=None, title: str | None = None):
    """Per-epoch curves: the losses (d_loss, g_loss) on the left; on the right the discriminator's
    accuracies (real_acc, fake_acc) or, for a WGAN, the critic's Wasserstein estimate and the
    gradient penalty. An ACGAN history adds a third panel with the class terms (class_loss,
    g_class_loss) and the class head's accuracy on real and generated images. Returns the
    matplotlib Figure; also saves it when ``path`` is given."""
    import matplotlib.pyplot as plt

    values = history_dict(history)

    def draw(axis, names):
        for name in names:
            if name in values:
                axis.plot(np.arange(1, len(values[name]) + 1), values[name], marker="o", label=name)
        axis.set_xlabel("epoch")
        axis.legend()

    has_classes = "real_class_acc" in values
    fig, axes = plt.subplots(1, 3 if has_classes else 2, figsize=(16 if has_classes else 11, 3.8))
    loss_ax, right_ax = axes[0], axes[1]
    draw(loss_ax, ("d_loss", "g_loss"))
    loss_ax.set(ylabel="loss", title="Losses")
    if "real_acc" in values:
        right_ax.axhline(0.5, color="gray", linestyle=":", label="chance")
        draw(right_ax, ("real_acc", "fake_acc"))
        right_ax.set(ylabel="accuracy", ylim=(-0.02, 1.02), title="Discriminator accuracy")
    else:
        draw(right_ax, ("wasserstein", "gradient_penalty"))
        right_ax.set(ylabel="critic units", title="Critic's Wasserstein estimate")
    if has_classes:
        class_ax = axes[2]
        draw(class_ax, ("class_loss", "g_class_loss"))
        class_ax.set(ylabel="class cross-entropy", title="Class terms (ACGAN)")
        accuracy_ax = class_ax.twinx()
        for name, style in (("real_class_acc", "g-"), ("fake_class_acc", "m-")):
            accuracy_ax.plot(np.arange(1, len(values[name]) + 1), values[name], style, marker="^", label=name)
        accuracy_ax.set(ylabel="class accuracy (triangles)", ylim=(-0.02, 1.02))
        accuracy_ax.legend(loc="center right")
    if "fcd" in values:
        quality_ax = loss_ax.twinx()
        epochs = np.arange(1, len(values["fcd"]) + 1)
        scored = ~np.isnan(np.asarray(values["fcd"], dtype=float))
        quality_ax.plot(epochs[scored], np.asarray(values["fcd"])[scored], "k--", marker="s", label="fcd")
        quality_ax.set_ylabel("Frechet classifier distance (dashed)")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if path is not None:
        with atomic_path(path) as temporary:
            fig.savefig(temporary, dpi=100)
    return fig


def show_images(images, ncols=None, value_range=(0.0, 1.0), title=None, scale: float = 0.6):
    """Show a batch of images as one grid in a matplotlib figure (returned)."""
    import matplotlib.pyplot as plt

    grid = image_grid(images, ncols, value_range)
    fig, ax = plt.subplots(figsize=(max(2.0, grid.shape[1] / 28 * scale),) * 2)
    ax.imshow(grid, cmap="gray" if grid.ndim == 2 else None, vmin=0, vmax=255)
    ax.axis("off")
    if title:
        ax.set_title(title)
    return fig


def show_class_grid(images, class_names, value_range=(0.0, 1.0), title=None, scale: float = 0.6):
    """Show images as a grid with one row per class, each row labelled with its class name (a
    conditional GAN's ``grid_inputs`` order: class 0's images first). Returns the Figure."""
    import matplotlib.pyplot as plt

    images = np.asarray(images)
    rows = len(class_names)
    if rows == 0 or len(images) % rows:
        raise ValueError(f"{len(images)} images cannot make {rows} equal rows (one per class).")
    columns = len(images) // rows
    grid = image_grid(images, columns, value_range)
    fig, ax = plt.subplots(figsize=(max(3.0, grid.shape[1] / 28 * scale) + 1.5, max(2.0, grid.shape[0] / 28 * scale)))
    ax.imshow(grid, cmap="gray" if grid.ndim == 2 else None, vmin=0, vmax=255)
    row_height = grid.shape[0] / rows
    ax.set_yticks([(index + 0.5) * row_height for index in range(rows)], labels=list(class_names))
    ax.set_xticks([])
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    if title:
        ax.set_title(title)
    return fig


def display_file(path, replace=None):
    """Show a PNG/GIF inline when running in a notebook; do nothing elsewhere. With ``replace``
    (what an earlier call returned), the picture takes the earlier one's place instead of stacking
    below it, as the TensorFlow tutorial's ``clear_output`` does, without clearing the progress bar.
    Returns the display handle to pass next time (None outside a notebook)."""
    try:
        from IPython import get_ipython
        from IPython.display import Image, display
    except ImportError:
        return None
    if get_ipython() is None:
        return None
    picture = Image(filename=str(path))
    if replace is not None:
        replace.update(picture)
        return replace
    return display(picture, display_id=True)
