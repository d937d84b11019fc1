"""Keras callbacks for GAN training: fixed-seed sample grids and GIFs (``SampleGrid``), the reports'
log lines (``ReportLogger``), a stop on non-finite losses, quality scores over training
(``ScoreEvery``), periodic checkpoints, epoch timing, and ``resumable_callbacks``, which puts them
together with Keras' CSVLogger and BackupAndRestore so that an interrupted ``fit`` resumes. They
work with ``gan_utils.training.GAN`` (anything with ``generate``, ``sample`` and ``latent_dim``)."""

from __future__ import annotations

import csv
import math
import re
import statistics
import time
from pathlib import Path

import keras

from gan_utils import files, sampling, viz


class SampleGrid(keras.callbacks.Callback):
    """Save a grid of samples from one fixed set of latent points every ``every`` epochs.

    Frames are named ``{prefix}_{epoch:04d}.png`` under ``output_dir``, so a resumed run overwrites
    (never duplicates) the frame of an epoch it repeats, and the GIF is built from the files on
    disk. Because the latent points never change, frames compare: only the generator moved.

    Args:
        output_dir: folder for the frames (created if missing).
        n_samples: number of images in the grid; None gives the tutorial's 4x4, or for a
            conditional GAN one row per class (``GAN.default_grid_size``).
        seed: NumPy seed of the fixed latent points.
        value_range: pixel range the generator produces ("sigmoid", "tanh" or (low, high)).
        every: save every this many epochs (and always after the last epoch).
        gif_path: when given, a GIF of all frames is written there at the end of training.
        show: display the latest frame inline (in a notebook), in place of the previous one.
        zoom: nearest-neighbour enlargement of the saved frames.
    """

    def __init__(
        self,
        output_dir,
        n_samples: int | None = None,
        seed: int = 0,
        value_range="tanh",
        every: int = 1,
        gif_path=None,
        gif_frame_ms: int = 300,
        show: bool = False,
        zoom: int = 2,
        prefix: str = "epoch",
    ):
        super().__init__()
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every}.")
        self.output_dir = Path(output_dir)
        self.n_samples = n_samples
        self.seed = seed
        self.value_range = value_range
        self.every = every
        self.gif_path = gif_path
        self.gif_frame_ms = gif_frame_ms
        self.show = show
        self.zoom = zoom
        self.prefix = prefix
        self.inputs = None
        self._display = None  # the notebook output the frames replace each other in

    @property
    def noise(self):
        return None if self.inputs is None else self.inputs.noise

    def on_train_begin(self, logs=None):
        if self.n_samples is None:
            self.n_samples = sampling.default_grid_size(self.model)
        self.inputs = sampling.grid_inputs(self.model, self.n_samples, self.seed)

    def images(self):
        """The grid's images from the current generator."""
        return self.model.generate(self.inputs.noise, self.inputs.labels)

    def grid(self):
        """The current sample grid as one image (a row per class for a conditional GAN)."""
        return viz.image_grid(self.images(), self.inputs.columns, self.value_range)

    def frame_path(self, epoch: int) -> Path:
        return self.output_dir / f"{self.prefix}_{epoch:04d}.png"

    def frame_paths(self) -> list[Path]:
        """The frames on disk, in epoch order (including those of an earlier, interrupted run)."""
        pattern = re.compile(rf"{re.escape(self.prefix)}_(\d+)\.png$")
        frames = [p for p in self.output_dir.glob(f"{self.prefix}_*.png") if pattern.match(p.name)]
        return sorted(frames, key=lambda p: int(pattern.match(p.name).group(1)))

    def save_frame(self, epoch: int) -> Path:
        path = files.save_image(viz.upscale(self.grid(), self.zoom), self.frame_path(epoch))
        if self.show:
            self._display = viz.display_file(path, self._display)
        return path

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0 or (epoch + 1) == self.params.get("epochs"):
            self.save_frame(epoch + 1)

    def on_train_end(self, logs=None):
        if self.gif_path is not None and self.frame_paths():
            files.write_gif(self.frame_paths(), self.gif_path, duration_ms=self.gif_frame_ms)


class ReportLogger(keras.callbacks.Callback):
    """Print the reports' log line ``>epoch, batch/n, d=..., g=...`` every ``every`` batches.

    Keras passes running epoch means to batch callbacks; the per-batch losses the reports print are
    recovered from two consecutive means (``k*m_k - (k-1)*m_{k-1}``), since every batch has the same
    size. ``print_fn`` can be swapped (tests collect the lines).
    """

    def __init__(self, every: int = 1, print_fn=print):
        super().__init__()
        self.every = every
        self.print_fn = print_fn
        self.lines: list[str] = []
        self._epoch = 0
        self._previous_means = {}

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch + 1
        self._previous_means = {"d_loss": 0.0, "g_loss": 0.0}

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        count = batch + 1
        current = {}
        for name in ("d_loss", "g_loss"):
            mean = float(logs.get(name, math.nan))
            current[name] = count * mean - batch * self._previous_means[name]
            self._previous_means[name] = mean
        if count % self.every == 0 or count == self.params.get("steps"):
            line = (
                f">{self._epoch}, {count}/{self.params.get('steps') or '?'}, "
                f"d={current['d_loss']:.3f}, g={current['g_loss']:.3f}"
            )
            self.lines.append(line)
            self.print_fn(line)


class StopOnNonFiniteLoss(keras.callbacks.Callback):
    """Stop training at the first NaN or infinite loss, naming the epoch, step and values.

    Raises ``FloatingPointError`` so a notebook cell fails loudly; checkpoints already written
    (the last good ones) are left untouched.
    """

    def __init__(self, monitor=("d_loss", "g_loss")):
        super().__init__()
        self.monitor = tuple(monitor)
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        bad = {name: logs[name] for name in self.monitor if name in logs and not math.isfinite(logs[name])}
        if bad:
            self.model.stop_training = True
            values = ", ".join(f"{name}={value}" for name, value in bad.items())
            raise FloatingPointError(
                f"Non-finite loss at epoch {self._epoch}, step {batch + 1}: {values}. Training "
                "stopped; the last checkpoint written before this step is kept. Try a lower "
                "learning rate, or check the input images for NaN values."
            )


class EpochTimer(keras.callbacks.Callback):
    """Wall-clock seconds of every epoch of this run (``seconds``), for "time per epoch" figures."""

    def __init__(self):
        super().__init__()
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._started)

    def typical_seconds(self) -> float | None:
        """The median epoch time, leaving out the first epoch (it includes tracing) when possible."""
        steady = self.seconds[1:] or self.seconds
        return float(statistics.median(steady)) if steady else None


class ScoreEvery(keras.callbacks.Callback):
    """Log a quick Frechet classifier distance (``fcd``) of ``n_samples`` generated images against
    as many real test images on the first epoch and every ``every`` epochs, into the epoch's logs, so
    History, ``history.csv`` and the loss plots carry sample quality over training. Put it before
    the CSV logger (``resumable_callbacks(..., score=...)`` does)."""

    def __init__(self, dataset: str, value_range, every: int = 5, n_samples: int = 1000, smoke=None, seed: int = 3):
        super().__init__()
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every}.")
        self.dataset, self.value_range, self.every = dataset, value_range, every
        self.n_samples, self.smoke, self.seed = n_samples, smoke, seed
        self._extractor = None
        self._real_features = None

    def _prepare(self):
        from gan_utils import data, metrics

        self._extractor = metrics.classifier_extractor(self.dataset, self.value_range, self.smoke)
        real, _ = data.load_dataset(self.dataset, "test", self.value_range, smoke=self.smoke)
        self.n_samples = min(self.n_samples, len(real))
        self._real_features = self._extractor.features(real[: self.n_samples])

    def on_epoch_end(self, epoch, logs=None):
        # Only scored epochs carry the key, so the progress bar never shows "fcd: nan";
        # ``HistoryCSV`` keeps the column in every row.
        if logs is None or not (epoch == 0 or (epoch + 1) % self.every == 0):
            return
        from gan_utils import metrics

        if self._extractor is None:
            self._prepare()
        fake_features = self._extractor.features(self.model.sample(self.n_samples, seed=self.seed))
        logs["fcd"] = metrics.frechet_distance(self._real_features, fake_features)


class HistoryCSV(keras.callbacks.CSVLogger):
    """Keras' CSVLogger with ``columns`` that every row has (NaN where an epoch did not log them):
    CSVLogger fixes its columns at the first epoch of each run, and a resumed run may start on an
    epoch that ``ScoreEvery`` does not score. The row gets the NaN, the epoch's logs (which the
    progress bar prints) do not."""

    def __init__(self, filename, columns=(), **kwargs):
        super().__init__(filename, **kwargs)
        self.columns = tuple(columns)

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, {**{name: math.nan for name in self.columns}, **(logs or {})})


class PeriodicCheckpoint(keras.callbacks.Callback):
    """Save the whole GAN's weights (both networks and both optimizers) every ``every`` epochs as
    ``{folder}/epoch_{epoch:03d}.weights.h5``, like the TensorFlow tutorial's checkpoint every 15
    epochs. Written to a temporary name and moved into place."""

    def __init__(self, folder, every: int = 15):
        super().__init__()
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every}.")
        self.folder = Path(folder)
        self.every = every

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            with files.atomic_path(self.folder / f"epoch_{epoch + 1:03d}.weights.h5") as temporary:
                self.model.save_weights(temporary)


def resumable_callbacks(
    run_dir,
    sample_grid: SampleGrid | None = None,
    checkpoint_every: int | None = None,
    score: ScoreEvery | None = None,
):
    """Callbacks that make ``fit`` resumable: run the same ``fit`` again after an interruption
    (Ctrl-C, kernel restart, SIGTERM, a killed process) and it continues from the last finished
    epoch with the same optimizer state, epoch count and sample seed.

    ``score`` (a ``ScoreEvery``) adds a quality column to the history.

    Order matters: the sample frame and the history row of an epoch are written before that epoch's
    backup, so an interruption between them repeats the epoch (overwriting its frame and adding a
    row that ``read_history`` drops) instead of losing it. The backup is kept after training, so
    running a finished ``fit`` again does nothing; delete ``run_dir`` to start over.
    """
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    chain = [c for c in (sample_grid, score) if c is not None]
    chain.append(HistoryCSV(str(run_dir / "history.csv"), columns=("fcd",) if score else (), append=True))
    if checkpoint_every:
        chain.append(PeriodicCheckpoint(run_dir / "checkpoints", checkpoint_every))
    chain.append(StopOnNonFiniteLoss())
    chain.append(
        keras.callbacks.BackupAndRestore(
            str(run_dir / "backup"), double_checkpoint=True, delete_checkpoint=False
        )
    )
    return chain


def read_history(csv_path) -> dict:
    """The per-epoch metrics CSVLogger wrote, across resumed runs: the last row of each epoch wins."""
    rows = {}
    path = Path(csv_path)
    if not path.exists():
        return {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            rows[int(row["epoch"])] = row
    history: dict[str, list[float]] = {}
    for epoch in sorted(rows):
        for name, value in rows[epoch].items():
            if name != "epoch":
                history.setdefault(name, []).append(math.nan if value == "NA" else float(value))
    # CSVLogger writes "NA" for validation metrics when there is no validation data.
    return {name: values for name, values in history.items() if not all(map(math.isnan, values))}
