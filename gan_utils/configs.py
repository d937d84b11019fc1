"""Named training configurations and the one function that trains any of them.

A configuration is the few lines that distinguish one notebook's model from another: dataset,
architecture, batch size, epochs, optimizer settings. Notebooks read their hyper-parameters from
here, and ``python -m gan_utils train NAME`` (what ``make demo`` and ``make gifs`` call) runs the
same configuration outside Jupyter, so the GIFs in gifs/ are the notebooks' results.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
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
    beta_2: float = 0.999
    optimizer: str = "adam"  # or "rmsprop" (the WGAN paper's)
    loss: str = "non_saturating"  # see losses.LOSSES
    d_steps: int = 1  # critic updates per generator update
    weight_clip: float | None = None
    gradient_penalty_weight: float = 0.0
    class_loss_weight: float = 1.0  # ACGAN: weight of the class term beside the source term
    real_label: float = 1.0  # the label-swap experiment trains with real 0 / fake 1
    fake_label: float = 0.0
    latent_dim: int = 100
    seed: int = 0
    sample_every: int = 1  # epochs between sample-grid frames
    checkpoint_every: int | None = None  # epochs between kept checkpoints (resuming needs none)
    score_every: int | None = None  # epochs between quick quality scores (fcd) in the history
    smoke_epochs: int = 2
    smoke_max_samples: int = 256
    smoke_batch_size: int = 32

    def for_mode(self, smoke: bool) -> "TrainConfig":
        """The configuration as it runs: smoke mode shrinks epochs, data and batch size."""
        if not smoke:
            return self
        return dataclasses.replace(
            self,
            epochs=self.smoke_epochs,
            batch_size=self.smoke_batch_size,
            sample_every=1,
            checkpoint_every=1 if self.checkpoint_every else None,
            score_every=1 if self.score_every else None,
        )

    @property
    def image_shape(self) -> tuple:
        return data.dataset_info(self.dataset).image_shape

    @property
    def n_classes(self) -> int:
        return len(data.dataset_info(self.dataset).class_names)

    @property
    def conditioning(self) -> str | None:
        return models.architecture(self.architecture).conditioning

    @property
    def output_activation(self) -> str:
        return models.architecture(self.architecture).output_activation


def _dcgan_tutorial(name, dataset):
    # TensorFlow's DCGAN tutorial as reports 001 and 004 ran it: Adam 1e-4 (beta_1 0.9, Keras'
    # default), batch 256, 50 epochs (report 001), a checkpoint every 15 epochs.
    return TrainConfig(
        name=name, notebook="02_dcgan_mnist_fashion_mnist.ipynb", dataset=dataset,
        architecture="dcgan_tutorial", batch_size=256, epochs=50,
        learning_rate=1e-4, beta_1=0.9, checkpoint_every=15,
    )


CONFIGS = {
    # Report 001: 10 epochs of batch 256 (234 batches per epoch on MNIST's 60,000 images).
    "keras_gan_mnist": TrainConfig(
        name="keras_gan_mnist", notebook="01_keras_gan_mnist.ipynb", dataset="mnist",
        architecture="keras_gan_report001", batch_size=256, epochs=10,
    ),
    # Report 000's question: the same GAN and budget with real = 0 and fake = 1.
    "keras_gan_mnist_swapped": TrainConfig(
        name="keras_gan_mnist_swapped", notebook="05_label_swap.ipynb", dataset="mnist",
        architecture="keras_gan_report001", batch_size=256, epochs=10, real_label=0.0, fake_label=1.0,
    ),
    "dcgan_mnist": _dcgan_tutorial("dcgan_mnist", "mnist"),
    "dcgan_fashion_mnist": _dcgan_tutorial("dcgan_fashion_mnist", "fashion_mnist"),
    # Report 002: batch 128, 200 epochs, samples saved every 10 epochs, Adam 2e-4 / 0.5.
    "dcgan_cifar10": TrainConfig(
        name="dcgan_cifar10", notebook="03_dcgan_cifar10.ipynb", dataset="cifar10",
        architecture="dcgan_cifar10_report002", batch_size=128, epochs=200,
        sample_every=10, checkpoint_every=50, score_every=10,
    ),
    # Report 003's WGAN as the WGAN paper sets it: RMSprop 5e-5, 5 critic steps, clipping at 0.01.
    "wgan_cifar10": TrainConfig(
        name="wgan_cifar10", notebook="04_wgan_cifar10.ipynb", dataset="cifar10",
        architecture="wgan_cifar10", batch_size=64, epochs=50, optimizer="rmsprop",
        learning_rate=5e-5, loss="wasserstein", d_steps=5, weight_clip=0.01, checkpoint_every=25,
        score_every=5,
    ),
    # WGAN-GP (Gulrajani et al.): Adam 1e-4 with betas 0.5 / 0.9, 5 critic steps, penalty weight 10.
    "wgan_gp_cifar10": TrainConfig(
        name="wgan_gp_cifar10", notebook="04_wgan_cifar10.ipynb", dataset="cifar10",
        architecture="wgan_cifar10", batch_size=64, epochs=50, learning_rate=1e-4, beta_1=0.5,
        beta_2=0.9, loss="wasserstein", d_steps=5, gradient_penalty_weight=10.0, checkpoint_every=25,
        score_every=5,
    ),
    # Report 004's conditional DCGAN. The report states no training settings; its code follows the
    # common Keras cGAN recipe, trained with Adam 2e-4 / 0.5 and batch 128.
    "conditional_dcgan_fashion_mnist": TrainConfig(
        name="conditional_dcgan_fashion_mnist", notebook="10_conditional_dcgan_fashion_mnist.ipynb",
        dataset="fashion_mnist", architecture="conditional_dcgan_report004", batch_size=128, epochs=50,
        checkpoint_every=15, score_every=5,
    ),
    # Report 003's ACGAN on report 002's CIFAR-10 networks and settings (Adam 2e-4 / 0.5, batch 128).
    "acgan_cifar10": TrainConfig(
        name="acgan_cifar10", notebook="11_acgan_cifar10.ipynb", dataset="cifar10",
        architecture="acgan_cifar10", batch_size=128, epochs=50, sample_every=5, checkpoint_every=25,
        score_every=5,
    ),
    # Report 004's conditional DCGAN on the offline digits: one row per digit in the GIF, the
    # README's proof that conditioning works (about 4 minutes on 2 CPU cores).
    "conditional_dcgan_digits": TrainConfig(
        name="conditional_dcgan_digits", notebook="10_conditional_dcgan_fashion_mnist.ipynb", dataset="digits",
        architecture="conditional_dcgan_report004", batch_size=64, epochs=60, sample_every=6,
    ),
    # `make demo`: the tutorial DCGAN on the offline digits, about two minutes on 2 CPU cores.
    "dcgan_digits": TrainConfig(
        name="dcgan_digits", notebook="02_dcgan_mnist_fashion_mnist.ipynb", dataset="digits",
        architecture="dcgan_tutorial", batch_size=64, epochs=20,
    ),
}


def get_config(name: str) -> TrainConfig:
    try:
        return CONFIGS[name]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown configuration {name!r}; accepted are {sorted(CONFIGS)}.") from None


def build_gan(config: TrainConfig) -> training.GAN:
    """The configuration's generator and discriminator in a compiled GAN (parameter counts checked
    against the report's where it states them)."""
    generator, discriminator = models.build_gan_models(
        config.architecture, config.image_shape, config.latent_dim, n_classes=config.n_classes
    )
    models.check_param_counts(config.architecture, generator, discriminator)
    gan = training.GAN(generator, discriminator, real_label=config.real_label, fake_label=config.fake_label, seed=config.seed)
    gan.compile(
        d_optimizer=make_optimizer(config),
        g_optimizer=make_optimizer(config),
        loss=config.loss,
        d_steps=config.d_steps,
        weight_clip=config.weight_clip,
        gradient_penalty_weight=config.gradient_penalty_weight,
        class_loss_weight=config.class_loss_weight,
    )
    return gan


def make_optimizer(config: TrainConfig) -> keras.optimizers.Optimizer:
    if config.optimizer == "adam":
        return training.adam(config.learning_rate, config.beta_1, config.beta_2)
    if config.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=config.learning_rate)
    raise ValueError(f"Unknown optimizer {config.optimizer!r}; accepted are ['adam', 'rmsprop'].")


def load_images(config: TrainConfig, split: str, smoke: bool | None = None):
    """The configuration's dataset split, scaled to its generator's output range."""
    smoke = smoke_mode() if smoke is None else smoke
    max_samples = config.smoke_max_samples if smoke else None
    return data.load_dataset(config.dataset, split, config.output_activation, smoke, max_samples)


@dataclass
class TrainResult:
    gan: training.GAN
    history: dict  # per-epoch metrics over every run of this folder (resumed runs included)
    summary: dict  # what summary.json holds


def train(
    config: TrainConfig,
    run_dir,
    gif_dir=None,
    smoke: bool | None = None,
    epochs: int | None = None,
    gan: training.GAN | None = None,
    show_frames: bool = False,
    verbose="auto",
) -> TrainResult:
    """Train a configuration, resuming from ``run_dir`` if an earlier run was cut off.

    Writes sample-grid frames under ``run_dir/frames`` and the GIF ``run_dir/training.gif``, the
    per-epoch history to ``run_dir/history.csv``, the backup that resuming needs under
    ``run_dir/backup``, the loss plot ``run_dir/losses.png`` and ``run_dir/summary.json``; with
    ``gif_dir``, also ``{name}.gif`` and ``{name}.png`` (the last grid) there.

    Args:
        epochs: overrides the configuration's number of epochs.
        gan: a GAN built with ``build_gan(config)`` (a notebook shows its summaries first).
        show_frames: display each sample grid inline (notebooks).
    """
    smoke = smoke_mode() if smoke is None else smoke
    config = config.for_mode(smoke)
    if epochs is not None:
        if epochs < 1:
            raise ValueError(f"epochs must be at least 1, got {epochs}.")
        config = dataclasses.replace(config, epochs=epochs)
    run_dir = Path(run_dir)
    if gan is None:
        keras.utils.set_random_seed(config.seed)
        gan = build_gan(config)
    images, labels = load_images(config, "train", smoke)
    test_images, test_labels = load_images(config, "test", smoke)
    if not gan.conditional:
        labels = test_labels = None  # an unconditional GAN trains on images alone

    samples = callbacks.SampleGrid(
        run_dir / "frames",
        seed=config.seed,
        value_range=config.output_activation,
        every=config.sample_every,
        gif_path=run_dir / "training.gif",
        show=show_frames,
    )
    score = None
    if config.score_every:
        score = callbacks.ScoreEvery(
            config.dataset, config.output_activation, config.score_every, n_samples=128 if smoke else 1000, smoke=smoke
        )
    timer = callbacks.EpochTimer()
    started = time.perf_counter()
    gan.fit(
        data.make_dataset(images, labels, batch_size=config.batch_size, seed=config.seed, n_classes=gan.n_classes),
        epochs=config.epochs,
        callbacks=[timer, *callbacks.resumable_callbacks(run_dir, samples, config.checkpoint_every, score)],
        verbose=verbose,
    )
    seconds = time.perf_counter() - started
    history = callbacks.read_history(run_dir / "history.csv")
    evaluation = gan.evaluate(
        data.make_dataset(
            test_images, test_labels, batch_size=min(config.batch_size, len(test_images)), shuffle=False,
            n_classes=gan.n_classes,
        ),
        return_dict=True,
        verbose=0,
    )
    viz.plot_losses(history, run_dir / "losses.png", title=config.name)
    outputs = {
        "frames": [str(p) for p in samples.frame_paths()],
        "losses": str(run_dir / "losses.png"),
        "run_gif": str(run_dir / "training.gif"),
    }
    if gif_dir is not None:
        # The run's GIF is complete (SampleGrid wrote it at the end of fit): publish a copy.
        gif_path = Path(gif_dir) / f"{config.name}.gif"
        with viz.atomic_path(gif_path) as temporary:
            shutil.copyfile(run_dir / "training.gif", temporary)
        grid_path = viz.save_image(viz.upscale(samples.grid(), 3), Path(gif_dir) / f"{config.name}.png")
        outputs.update(gif=str(gif_path), grid=str(grid_path))
    summary = {
        "config": dataclasses.asdict(config),
        "smoke": smoke,
        "params": {"generator": gan.generator.count_params(), "discriminator": gan.discriminator.count_params()},
        "epochs_completed": len(history.get("d_loss", [])),
        "history": history,
        "test_metrics": evaluation,  # held-out real images against fresh fakes
        "test_accuracy": (
            {"real": evaluation["real_acc"], "fake": evaluation["fake_acc"]} if "real_acc" in evaluation else None
        ),
        "test_class_accuracy": (  # ACGAN: the discriminator's class head on held-out and generated images
            {"real": evaluation["real_class_acc"], "fake": evaluation["fake_class_acc"]}
            if "real_class_acc" in evaluation else None
        ),
        "seconds_this_run": seconds,
        "seconds_per_epoch": timer.typical_seconds(),
        "outputs": outputs,
    }
    with viz.atomic_path(run_dir / "summary.json") as temporary:
        temporary.write_text(json.dumps(summary, indent=2))
    return TrainResult(gan=gan, history=history, summary=summary)


def describe(config: TrainConfig) -> str:
    """A short table-like description of a configuration, for a notebook's first output."""
    spec = models.architecture(config.architecture)
    if config.optimizer == "adam":
        optimizer = f"Adam lr {config.learning_rate:g} betas {config.beta_1:g}/{config.beta_2:g}"
    else:
        optimizer = f"RMSprop lr {config.learning_rate:g}"
    extras = [f"{config.loss} loss"]
    if config.d_steps > 1:
        extras.append(f"{config.d_steps} critic steps per generator step")
    if config.weight_clip:
        extras.append(f"weights clipped to +-{config.weight_clip:g}")
    if config.gradient_penalty_weight:
        extras.append(f"gradient penalty {config.gradient_penalty_weight:g}")
    if config.conditioning == "input":
        extras.append(f"conditioned on {config.n_classes} classes")
    elif config.conditioning == "auxiliary":
        extras.append(f"auxiliary class loss over {config.n_classes} classes, weight {config.class_loss_weight:g}")
    return (
        f"{config.name}: {config.dataset} {config.image_shape}, {spec.description}\n"
        f"batch {config.batch_size}, {config.epochs} epochs, {optimizer}, {', '.join(extras)}, "
        f"latent {config.latent_dim}, seed {config.seed}"
    )
