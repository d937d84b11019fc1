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
    smoke_epochs: int = 2
    smoke_max_samples: int = 256
    smoke_batch_size: int = 32

    def for_mode(self, smoke: bool) -> "TrainConfig":
        """The configuration as it runs: smoke mode shrinks epochs and batch size."""
        if not smoke:
            return self
        return dataclasses.replace(
            self, epochs=self.smoke_epochs, batch_size=self.smoke_batch_size, sample_every=1
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
        epochs=12,
    ),
}


def get_config(name: str) -> TrainConfig:
    try:
        return CONFIGS[name]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown configuration {name!r}; accepted are {sorted(CONFIGS)}.") from None


def train(config: TrainConfig, run_dir, gif_dir=None, smoke: bool | None = None, verbose="auto") -> dict:
    """Train a configuration end to end; return its history, final accuracies and output paths.

    Writes sample-grid frames under ``run_dir/frames``, the loss plot to ``run_dir/losses.png``, a
    summary to ``run_dir/summary.json``, and (when ``gif_dir`` is given) ``{name}.gif`` and
    ``{name}.png`` (the last grid) into ``gif_dir``.
    """
    smoke = smoke_mode() if smoke is None else smoke
    config = config.for_mode(smoke)
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
    history = gan.fit(
        data.make_dataset(images, batch_size=config.batch_size, seed=config.seed),
        epochs=config.epochs,
        callbacks=[samples, callbacks.StopOnNonFiniteLoss()],
        verbose=verbose,
    )
    seconds = time.perf_counter() - started
    evaluation = gan.evaluate(
        data.make_dataset(test_images, batch_size=config.batch_size, shuffle=False),
        return_dict=True,
        verbose=0,
    )
    viz.plot_losses(history, run_dir / "losses.png", title=config.name)
    outputs = {"frames": [str(p) for p in samples.frame_paths()], "losses": str(run_dir / "losses.png")}
    if gif_dir is not None:
        last_grid = viz.save_image(viz.image_grid(
            gan.generate(samples.noise), value_range=spec.output_activation
        ), Path(gif_dir) / f"{config.name}.png")
        outputs.update(gif=str(gif_path), grid=str(last_grid))
    summary = {
        "config": dataclasses.asdict(config),
        "smoke": smoke,
        "params": param_counts,
        "history": history.history,
        "test_accuracy": {"real": evaluation["real_acc"], "fake": evaluation["fake_acc"]},
        "seconds": seconds,
        "outputs": outputs,
    }
    with viz.atomic_path(run_dir / "summary.json") as temporary:
        temporary.write_text(json.dumps(summary, indent=2))
    return summary
