"""The modern GAN recipe, one ingredient at a time (notebook 13).

The reports stop at DCGAN, WGAN and ACGAN (2015-2017). What made GANs work afterwards is a short
list of ingredients: the hinge loss and spectral normalisation of the discriminator (SNGAN), two
time-scale learning rates (TTUR), an exponential moving average of the generator's weights for
sampling, the R1 penalty on real images, and differentiable augmentation for small datasets.
``CUMULATIVE`` adds them to the tutorial DCGAN one at a time, in that order. Each step is a named
configuration (``configurations.TrainConfig``) that ``runner.train`` trains, like every other run.
"""

from __future__ import annotations

import dataclasses

from gan_utils import names
from gan_utils.configurations import TrainConfig

# The DCGAN the ladder starts from: report 004's CIFAR-10 networks, 10 epochs, notebook 13's.
DCGAN = TrainConfig(
    name="dcgan", notebook="13_modern_recipe.ipynb", dataset="cifar10", architecture="dcgan_cifar10_report004",
    batch_size=64, epochs=10, sample_every=2, smoke_epochs=1,
    note="the tutorial DCGAN: non-saturating loss, Adam 2e-4 / 0.5 for both networks (reports 001 and 004)")


def _cumulative():
    steps = [
        ("hinge_sn", "the hinge loss and spectral normalisation of the discriminator (Miyato et al. 2018, SNGAN)",
         {"loss": "hinge", "spectral_norm": True}),
        ("ttur", "two time-scale learning rates, discriminator 4e-4 and generator 1e-4, Adam betas (0, 0.9) "
                 "(Heusel et al. 2017; the setting of SAGAN, Zhang et al. 2019)",
         {"d_learning_rate": 4e-4, "g_learning_rate": 1e-4, "beta_1": 0.0, "beta_2": 0.9}),
        ("ema", "sampling from a moving average of the generator's weights, decay 0.999 (Yazici et al. 2019)",
         {"ema_decay": 0.999}),
        ("r1", "the R1 penalty on real images, gamma 0.1 (Mescheder et al. 2018)", {"r1_weight": 0.1}),
        ("diffaugment", "DiffAugment: translation and cutout of real and generated images (Zhao et al. 2020)",
         {"augment": ("translation", "cutout")}),
    ]
    ladder = [DCGAN]
    for name, note, changes in steps:
        ladder.append(dataclasses.replace(ladder[-1], name=name, note=note, **changes))
    return tuple(ladder)


CUMULATIVE = _cumulative()
# Not cumulative: ingredients added to the DCGAN itself, for the case where an early ingredient
# of the cumulative order costs more than the later ones give back at a small budget.
BEYOND = (
    dataclasses.replace(DCGAN, name="dcgan_ema", ema_decay=0.999,
                        note="the DCGAN, sampling from a moving average of its generator's weights, decay 0.999"),
    dataclasses.replace(DCGAN, name="dcgan_ema_mbstd", ema_decay=0.999, minibatch_std=True,
                        note="the DCGAN with the weight average and a minibatch standard-deviation feature in "
                             "the discriminator (Karras et al. 2018), against dropped classes"),
    dataclasses.replace(DCGAN, name="dcgan_ema_lr4x", ema_decay=0.999, d_learning_rate=8e-4, g_learning_rate=8e-4,
                        note="the DCGAN with the weight average and both learning rates 4x the DCGAN's (8e-4), "
                             "for the average to smooth out the larger steps' noise"),
)
RECIPES = {config.name: config for config in CUMULATIVE + BEYOND}


def recipe(name: str) -> TrainConfig:
    return names.look_up(RECIPES, name, "recipe")


def options(config: TrainConfig) -> str:
    """What a configuration changes from the DCGAN's, as one line."""
    changed = [f"{field.name}={getattr(config, field.name)!r}" for field in dataclasses.fields(config)
               if field.name not in ("name", "note") and getattr(config, field.name) != getattr(DCGAN, field.name)]
    return ", ".join(changed) or "(the DCGAN's)"


# PyTorch-StudioGAN's CIFAR-10 FIDs (github.com/POSTECH-CVLab/PyTorch-StudioGAN), for context: the
# best FID reached during training, their own architectures (SNGAN there is class-conditional,
# ResNet, 5 discriminator steps), 100,000-200,000 steps. Two protocols, never to be mixed.
PUBLISHED_CIFAR10 = {
    "README v0.3.0 (2021-11-06; the same values in v0.2.0): 10,000 generated vs the 10,000 test images": {
        "DCGAN": 49.030, "WGAN-GP": 25.852, "SNGAN": 13.248, "SAGAN": 14.009, "BigGAN-Mod": 8.034},
    "README at 947b35e (2023), benchmark figure: 50,000 generated vs the 50,000 train images, TF InceptionV3": {
        "DCGAN": 48.29, "WGAN-GP": 53.98, "SNGAN": 9.01, "SAGAN": 10.35, "BigGAN": 4.16},
}


def published_fid_table() -> str:
    """StudioGAN's CIFAR-10 FIDs as a Markdown table, one column per protocol."""
    protocols = list(PUBLISHED_CIFAR10)
    models = list(dict.fromkeys(model for rows in PUBLISHED_CIFAR10.values() for model in rows))
    lines = ["| model | " + " | ".join(protocols) + " |", "|---" * (len(protocols) + 1) + "|"]
    for model in models:
        values = [f"{PUBLISHED_CIFAR10[p][model]:.2f}" if model in PUBLISHED_CIFAR10[p] else "-" for p in protocols]
        lines.append(f"| {model} | " + " | ".join(values) + " |")
    return "\n".join(lines)
