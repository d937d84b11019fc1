"""The modern recipe's ingredients (notebook 13), each a small subclass of ``training.GAN``.

They combine as classes do, e.g. ``class Modern(WeightAverage, DiffAugment, R1Penalty, HingeGAN)``;
spectral normalisation is a property of the discriminator's layers (``models.spectral_normalized``)
and the two learning rates (TTUR) are the two optimizers ``compile`` takes, so neither is a class.
"""

from __future__ import annotations

import math

import keras
from keras import ops

from gan_utils import augment as augmentation
from gan_utils import losses
from gan_utils.training import GAN


class HingeGAN(GAN):
    """The hinge loss of SNGAN and BigGAN (Lim & Ye 2017): scores, not logits, so the critic's
    estimate E[D(x)] - E[D(G(z))] is logged instead of accuracies."""

    logged = ("d_loss", "g_loss", "wasserstein")

    def discriminator_terms(self, real_output, fake_output, labels=None):
        return {"d_loss": losses.hinge_discriminator_loss(real_output, fake_output),
                "wasserstein": losses.wasserstein_estimate(real_output, fake_output)}

    def generator_terms(self, fake_output, labels=None):
        return {"g_loss": losses.hinge_generator_loss(fake_output)}


class R1Penalty(GAN):
    """R1 (Mescheder et al. 2018): gamma / 2 * ||grad D(x)||^2 on real images, added to the
    discriminator's loss (``r1_weight`` is gamma)."""

    def __init__(self, *args, r1_weight: float = 0.1, **kwargs):
        if not r1_weight >= 0:
            raise ValueError(f"r1_weight must be >= 0, got {r1_weight!r}.")
        super().__init__(*args, **kwargs)
        self.r1_weight = float(r1_weight)
        self.trackers["r1_penalty"] = keras.metrics.Mean(name="r1_penalty")

    def discriminator_objective(self, real_images, fake_images, labels=None, training=True):
        terms = super().discriminator_objective(real_images, fake_images, labels, training)
        terms["r1_penalty"] = losses.r1_penalty(lambda images: self.discriminate(images, labels, training),
                                                real_images)
        terms["d_loss"] = terms["d_loss"] + 0.5 * self.r1_weight * terms["r1_penalty"]
        return terms


class DiffAugment(GAN):
    """DiffAugment (Zhao et al. 2020): the same random, differentiable transforms (``augment``) on
    real and generated images whenever the discriminator sees them in training."""

    def __init__(self, *args, augment=("translation", "cutout"), **kwargs):
        augment = augmentation.check_policy(augment)
        super().__init__(*args, **kwargs)
        self.augment = augment

    def discriminate(self, images, labels=None, training=False):
        if training and self.augment:
            images = augmentation.diff_augment(images, self.augment, self.seed_generator)
        return super().discriminate(images, labels, training)


class WeightAverage(GAN):
    """An exponential moving average of the generator's weights (Yazici et al. 2019), updated after
    every step and sampled from (grids, GIFs, scores). Its half-life ramps up with training
    (StyleGAN2-ADA's ``ema_rampup``: at most that share of the steps so far) and batch-norm
    statistics are copied, not averaged; the optimizer's own ``use_ema`` does neither, and swaps the
    average in only at the end of ``fit``, so the GIF's frames could not show it."""

    def __init__(self, generator, discriminator, ema_decay: float = 0.999, ema_rampup: float | None = 0.05,
                 **kwargs):
        if not 0 < ema_decay < 1:
            raise ValueError(f"ema_decay must be between 0 and 1 (e.g. 0.999), got {ema_decay!r}.")
        if ema_rampup is not None and not ema_rampup > 0:
            raise ValueError(f"ema_rampup must be positive (e.g. 0.05) or None, got {ema_rampup!r}.")
        super().__init__(generator, discriminator, **kwargs)
        self.ema_decay, self.ema_rampup = float(ema_decay), ema_rampup
        self.ema_generator = keras.models.clone_model(generator)  # tracked: saved with the GAN
        self.ema_generator.set_weights(generator.get_weights())

    @property
    def sampling_generator(self):
        return self.ema_generator

    def gan_step(self, data):
        logs = super().gan_step(data)
        average_weights(self.ema_generator, self.generator,
                        average_decay(self.ema_decay, self.ema_rampup, self.g_optimizer.iterations))
        return logs


def average_decay(decay: float, rampup: float | None, steps):
    """The average's decay after ``steps`` generator steps: ``decay``, or a shorter half-life of
    ``rampup * steps`` steps while that is shorter (a fast-changing early generator)."""
    if rampup is None:
        return decay
    half_life = ops.minimum(math.log(0.5) / math.log(decay), rampup * ops.cast(steps, "float32"))
    return ops.power(0.5, 1.0 / ops.maximum(half_life, 1e-8))


def average_weights(average: keras.Model, network: keras.Model, decay):
    """One step of the weight average: the weights moved towards ``network``'s, statistics copied."""
    for mean, weight in zip(average.trainable_weights, network.trainable_weights):
        mean.assign(decay * mean + (1.0 - decay) * weight)
    for mean, statistic in zip(average.non_trainable_weights, network.non_trainable_weights):
        mean.assign(statistic)
