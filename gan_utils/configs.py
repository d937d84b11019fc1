"""Named training configurations and the one function that runs any of them.

A configuration is the few lines that distinguish one notebook's model from another: dataset,
architecture, batch size, epochs, optimizers. Notebooks read their hyper-parameters from here, and
``python -m gan_utils train NAME`` (what ``make demo`` and ``make gifs`` call) runs the same
configuration outside Jupyter, so the GIFs in gifs/ are the notebooks' results.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass
from pathlib import Path

import keras

from gan_utils import callbacks, data, models, training, viz
from gan_utils.config import smoke_mode
from gan_utils.training import latent_points


@dataclass(frozen=True)
class TrainConfig:
    name: str
    notebook: str
    dataset: str
    architecture: str
    batch_size: int
    epochs: int
    learning_rate: float = 2e-4
    beta_1: float = 0.5
    latent_dim: int = 100
    seed: int = 0
    sample_every: int = 1  # epochs between sample-grid frames
    checkpoint_every: int | None = None  # epochs between kept checkpoints (resuming needs none)
    smoke_epochs: int = 2
    smoke_max_samples: int = 256
    smoke_batch_size: int = 32

    def for_mode(self, smoke: bool) -> "TrainConfig":
        """The configuration as it runs: smoke mode shrinks epochs and batch size."""
        if not smoke:
            return self
        return dataclasses.replace(
            self, epochs=self.smoke_epochs, batch_size=self.smoke_batch_size, sample_every=1,
            checkpoint_every=1 if self.checkpoint_every else None,
        )


CONFIGS = {
    # Report 001: 10 epochs of batch 256 (234 batches per epoch on MNIST's 60,000 images).
    "keras_gan_mnist": TrainConfig(
        name="keras_gan_mnist",
        notebook="01_keras_gan_mnist.ipynb",
        dataset="mnist",
        architecture="keras_gan_report001",
        batch_size=256,
        epochs=10,
    ),
    # The same model on the offline digits, sized to train in about two minutes on 2 CPU cores.
    "keras_gan_digits": TrainConfig(
        name="keras_gan_digits",
        notebook="01_keras_gan_mnist.ipynb",
        dataset="digits",
        architecture="keras_gan_report001",
        batch_size=64,
        epochs=20,
    ),
}


def get_config(name: str) -> TrainConfig:
    try:
        return CONFIGS[name]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown configuration {name!r}; accepted are {sorted(CONFIGS)}.") from None


def train(
    config: TrainConfig,
    run_dir,
    gif_dir=None,
    smoke: bool | None = None,
    epochs: int | None = None,
    verbose="auto",
) -> dict:
    """Train a configuration end to end, resuming from ``run_dir`` if an earlier run was cut off.

    Writes sample-grid frames under ``run_dir/frames``, the per-epoch history to
    ``run_dir/history.csv``, the backup that resuming needs under ``run_dir/backup``, the loss plot
    to ``run_dir/losses.png`` and a summary to ``run_dir/summary.json``; with ``gif_dir``, also
    ``{name}.gif`` and ``{name}.png`` (the last grid). ``epochs`` overrides the configuration's.
    Returns the summary.
    """
    smoke = smoke_mode() if smoke is None else smoke
    config = config.for_mode(smoke)
    if epochs is not None:
        if epochs < 1:
            raise ValueError(f"epochs must be at least 1, got {epochs}.")
        config = dataclasses.replace(config, epochs=epochs)
    run_dir = Path(run_dir)
    keras.utils.set_random_seed(config.seed)

    spec = models.architecture(config.architecture)
    max_samples = config.smoke_max_samples if smoke else None
    images, _ = data.load_dataset(config.dataset, "train", spec.output_activation, smoke, max_samples)
    test_images, _ = data.load_dataset(config.dataset, "test", spec.output_activation, smoke, max_samples)
    image_shape = data.dataset_info(config.dataset).image_shape
    generator, discriminator = models.build_gan_models(config.architecture, image_shape, config.latent_dim)
    param_counts = models.check_param_counts(config.architecture, generator, discriminator)

    gan = training.GAN(generator, discriminator, seed=config.seed)
    gan.compile(
        d_optimizer=training.adam(config.learning_rate, config.beta_1),
        g_optimizer=training.adam(config.learning_rate, config.beta_1),
    )
    gif_path = Path(gif_dir) / f"{config.name}.gif" if gif_dir is not None else None
    samples = callbacks.SampleGrid(
        run_dir / "frames",
        seed=config.seed,
        value_range=spec.output_activation,
        every=config.sample_every,
        gif_path=gif_path,
    )
    started = time.perf_counter()
    gan.fit(
        data.make_dataset(images, batch_size=config.batch_size, seed=config.seed),
        epochs=config.epochs,
        callbacks=callbacks.resumable_callbacks(run_dir, samples, config.checkpoint_every),
        verbose=verbose,
    )
    seconds = time.perf_counter() - started
    history = callbacks.read_history(run_dir / "history.csv")
    evaluation = gan.evaluate(
        data.make_dataset(test_images, batch_size=config.batch_size, shuffle=False),
        return_dict=True,
        verbose=0,
    )
    viz.plot_losses(history, run_dir / "losses.png", title=config.name)
    outputs = {"frames": [str(p) for p in samples.frame_paths()], "losses": str(run_dir / "losses.png")}
    if gif_dir is not None:
        grid = viz.image_grid(gan.generate(latent_points(16, config.latent_dim, config.seed)),
                              value_range=spec.output_activation)
        outputs.update(gif=str(gif_path), grid=str(viz.save_image(viz.upscale(grid, 3), Path(gif_dir) / f"{config.name}.png")))
    summary = {
        "config": dataclasses.asdict(config),
        "smoke": smoke,
        "params": param_counts,
        "epochs_completed": len(history.get("d_loss", [])),
        "history": history,
        "test_accuracy": {"real": evaluation["real_acc"], "fake": evaluation["fake_acc"]},
        "seconds_this_run": seconds,
        "outputs": outputs,
    }
    with viz.atomic_path(run_dir / "summary.json") as temporary:
        temporary.write_text(json.dumps(summary, indent=2))
    return summary
