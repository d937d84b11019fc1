"""Image grids, loss plots and GIFs. Every file is written to a temporary name and moved into place,
so an interrupted run never leaves a half-written PNG or GIF behind."""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from pathlib import Path

import numpy as np

from gan_utils.data import check_images, resolve_value_range


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path next to ``path``; on success move it onto ``path``, else delete it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Keep every suffix (".weights.h5"): writers pick the format, and Keras checks, by the name.
    suffix = "".join(path.suffixes)
    stem = path.name[: len(path.name) - len(suffix)]
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{stem}.", suffix=suffix)
    os.close(handle)
    try:
        yield Path(temporary)
        # mkstemp creates the file private (0600); give the result the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temporary)
        raise


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


def save_image(picture: np.ndarray, path) -> Path:
    """Write a uint8 picture (PNG by the file's extension), atomically."""
    import imageio.v3 as iio

    with atomic_path(path) as temporary:
        iio.imwrite(temporary, picture)
    return Path(path)


def write_gif(frames, path, duration_ms: int = 200, loop: int = 0) -> Path:
    """Write frames (uint8 arrays or image file paths) as a GIF, ``duration_ms`` per frame.

    ``loop=0`` loops forever. All frames must have the same size.
    """
    import imageio.v3 as iio

    pictures = [iio.imread(f) if isinstance(f, (str, Path)) else np.asarray(f) for f in frames]
    if not pictures:
        raise ValueError(f"No frames to write to {path}.")
    shapes = {p.shape for p in pictures}
    if len(shapes) > 1:
        raise ValueError(f"All GIF frames must have the same shape, got {sorted(shapes)}.")
    with atomic_path(path) as temporary:
        iio.imwrite(temporary, np.stack(pictures), extension=".gif", duration=duration_ms, loop=loop)
    return Path(path)


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


def display_file(path) -> None:
    """Show a PNG/GIF inline when running in a notebook; do nothing elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import Image, display
    except ImportError:
        return
    if get_ipython() is not None:
        display(Image(filename=str(path)))
