"""The GAN variants, each a small subclass of ``training.GAN`` that says what it changes (keras-io's way).

| class | changes | report / notebook |
|---|---|---|
| ``TutorialGAN`` | the step: one forward pass, both networks updated at once | TF tutorial, reports 001/004 / 02 |
| ``FreshNoiseGAN`` | the step: the generator's update on new noise (keras-io's) | 01 (exercise) |
| ``MinimaxGAN`` | the generator's loss: Goodfellow et al.'s original | 01 (exercise) |
| ``DiscriminatorSteps`` | k discriminator updates per generator update (Algorithm 1) | 00 |
| ``WGAN`` / ``WGANGP`` | critic losses and steps, clipping / gradient penalty | report 003 / 04 |
| ``HingeGAN``, ``R1Penalty``, ``DiffAugment``, ``WeightAverage`` | the modern ingredients | 13 |
| ``ConditionalGAN`` / ``ACGAN`` | labels into both networks / a class head | reports 004, 003 / 10, 11 |

Ingredients combine as classes do: ``class Modern(WeightAverage, DiffAugment, R1Penalty, HingeGAN)``;
``make_gan`` builds such a class from a named configuration's options.
"""

from __future__ import annotations

import keras
from keras import ops

from gan_utils import losses, steps
from gan_utils.conditional import ACGAN, ConditionalGAN
from gan_utils.modern import DiffAugment, HingeGAN, R1Penalty, WeightAverage
from gan_utils.training import GAN

__all__ = ["ACGAN", "ConditionalGAN", "DiffAugment", "DiscriminatorSteps", "FreshNoiseGAN", "GAN", "HingeGAN",
           "MinimaxGAN", "R1Penalty", "TutorialGAN", "WGAN", "WGANGP", "WeightAverage", "clip_weights", "gan_class",
           "make_gan"]


class TutorialGAN(GAN):
    """The TensorFlow DCGAN tutorial's step: one forward pass of each network, both losses, both
    updates applied together (the generator learns against the discriminator as it was)."""

    def gan_step(self, data):
        real_images, labels = self.unpack(data)
        noise = self.sample_noise(ops.shape(real_images)[0])

        def both_losses():
            fake_images = self.make_images(noise, labels, training=True)
            real_output = self.discriminate(real_images, labels, training=True)
            fake_output = self.discriminate(fake_images, labels, training=True)
            return {**self.discriminator_terms(real_output, fake_output, labels),
                    **self.generator_terms(fake_output, labels)}

        d_variables, g_variables = self.discriminator.trainable_variables, self.generator.trainable_variables
        terms, d_grads, g_grads = steps.two_gradients(both_losses, d_variables, g_variables,
                                                      self.d_optimizer, self.g_optimizer)
        steps.apply(self.g_optimizer, g_grads, g_variables)
        steps.apply(self.d_optimizer, d_grads, d_variables)
        return self.log(terms)


class FreshNoiseGAN(GAN):
    """keras-io's step: the discriminator's update, then the generator's on new noise (one more
    generator forward pass than ``GAN``'s, which reuses the fakes)."""

    def gan_step(self, data):
        real_images, labels = self.unpack(data)
        batch, variables = ops.shape(real_images)[0], self.generator.trainable_variables
        d_terms = self.update_discriminator(
            real_images, self.make_images(self.sample_noise(batch), labels, training=True), labels)
        noise = self.sample_noise(batch)
        g_terms, grads = steps.gradients(lambda: self.generator_terms(self.discriminate(
            self.make_images(noise, labels, training=True), labels, training=True), labels),
            variables, self.g_optimizer, loss="g_loss")
        steps.apply(self.g_optimizer, grads, variables)
        return self.log({**d_terms, **g_terms})


class MinimaxGAN(GAN):
    """Goodfellow et al.'s minimax generator loss, -log(1 - D(G(z))), which saturates early on."""

    def generator_terms(self, fake_output, labels=None):
        return {"g_loss": losses.minimax_generator_loss(fake_output, self.generator_label, self.fake_label)}


class DiscriminatorSteps(GAN):
    """Goodfellow et al.'s Algorithm 1 with k > 1: ``d_steps`` discriminator updates per generator
    update, each on its own real batch (``fit`` groups the pipeline's batches ``d_steps`` at a time,
    so an epoch reads every batch once and has 1/d_steps as many generator steps)."""

    def __init__(self, generator, discriminator, d_steps: int = 2, **kwargs):
        if not isinstance(d_steps, int) or d_steps < 1:
            raise ValueError(f"d_steps must be a positive integer, got {d_steps!r}.")
        super().__init__(generator, discriminator, **kwargs)
        self.d_steps = d_steps

    def gan_step(self, data):
        real_images, labels = self.unpack(data)
        if self.d_steps > 1:  # the discriminator learns on every batch; the generator after the last
            for index in range(self.d_steps - 1):
                batch_labels = None if labels is None else labels[index]
                noise = self.sample_noise(ops.shape(real_images)[1])
                fake_images = self.make_images(noise, batch_labels, training=True)
                self.update_discriminator(real_images[index], ops.stop_gradient(fake_images), batch_labels)
            real_images, labels = real_images[-1], None if labels is None else labels[-1]
        return super().gan_step(real_images if labels is None else (real_images, labels))


class WGAN(DiscriminatorSteps):
    """Report 003's WGAN (Arjovsky et al. 2017): critic scores and the Wasserstein losses, ``d_steps``
    critic updates per generator update, the critic's weights clipped to [-weight_clip, weight_clip]
    after each update."""

    logged = ("d_loss", "g_loss", "wasserstein")  # the critic's estimate of the distance

    def __init__(self, generator, discriminator, d_steps: int = 5, weight_clip: float | None = 0.01, **kwargs):
        if weight_clip is not None and not weight_clip > 0:
            raise ValueError(f"weight_clip must be positive or None, got {weight_clip!r}.")
        super().__init__(generator, discriminator, d_steps=d_steps, **kwargs)
        self.weight_clip = weight_clip

    def discriminator_terms(self, real_output, fake_output, labels=None):
        return {"d_loss": losses.wasserstein_critic_loss(real_output, fake_output),
                "wasserstein": losses.wasserstein_estimate(real_output, fake_output)}

    def generator_terms(self, fake_output, labels=None):
        return {"g_loss": losses.wasserstein_generator_loss(fake_output)}

    def update_discriminator(self, real_images, fake_images, labels=None):
        terms = super().update_discriminator(real_images, fake_images, labels)
        if self.weight_clip is not None:
            clip_weights(self.discriminator.trainable_variables, self.weight_clip)
        return terms


def clip_weights(variables, bound: float):
    """WGAN's constraint: every weight clipped to [-bound, bound], in place (on JAX, in the step's state)."""
    for variable in variables:
        variable.assign(ops.clip(variable, -bound, bound))


class WGANGP(WGAN):
    """WGAN-GP (Gulrajani et al. 2017): no clipping; the critic's gradient norm held near 1 on
    random points between real and fake images by a penalty of weight ``gradient_penalty_weight``."""

    logged = WGAN.logged + ("gradient_penalty",)

    def __init__(self, generator, discriminator, d_steps: int = 5, gradient_penalty_weight: float = 10.0, **kwargs):
        if not gradient_penalty_weight >= 0:
            raise ValueError(f"gradient_penalty_weight must be >= 0, got {gradient_penalty_weight!r}.")
        super().__init__(generator, discriminator, d_steps=d_steps, weight_clip=None, **kwargs)
        self.gradient_penalty_weight = float(gradient_penalty_weight)

    def discriminator_objective(self, real_images, fake_images, labels=None, training=True):
        terms = super().discriminator_objective(real_images, fake_images, labels, training)
        interpolation = keras.random.uniform((ops.shape(real_images)[0],), seed=self.seed_generator)
        terms["gradient_penalty"] = losses.gradient_penalty(
            lambda images: self.discriminate(images, labels, training=training), real_images,
            ops.cast(fake_images, real_images.dtype), interpolation)
        terms["d_loss"] = terms["d_loss"] + self.gradient_penalty_weight * terms["gradient_penalty"]
        return terms


UPDATES = {
    "alternating": "discriminator first, then the generator against it, on the same fakes (GAN)",
    "alternating_fresh_noise": "discriminator first, then the generator on fresh noise (FreshNoiseGAN)",
    "simultaneous": "both networks from one forward pass, as the TensorFlow tutorial (TutorialGAN)",
}


def gan_class(loss: str = "non_saturating", update: str = "alternating", conditioning: str | None = None,
              d_steps: int = 1, gradient_penalty: bool = False, r1: bool = False, augment: bool = False,
              average: bool = False):
    """The class a named configuration trains: the variants it names, combined (most specific first)."""
    if loss not in losses.LOSSES:
        raise ValueError(f"Unknown loss {loss!r}; accepted are {sorted(losses.LOSSES)}.")
    if update not in UPDATES:
        raise ValueError(f"Unknown update {update!r}; accepted are {sorted(UPDATES)}.")
    if conditioning not in (None, "input", "auxiliary"):
        raise ValueError(f"Unknown conditioning {conditioning!r}; accepted are None, 'input' and 'auxiliary'.")
    if gradient_penalty and loss != "wasserstein":
        raise ValueError(f"The gradient penalty belongs to WGAN-GP (loss='wasserstein'), got loss={loss!r}.")
    if update == "simultaneous" and (loss == "wasserstein" or d_steps != 1 or r1 or gradient_penalty):
        raise ValueError(f"update='simultaneous' (TutorialGAN) makes one discriminator step from one forward pass; "
                         f"d_steps={d_steps}, loss={loss!r}, penalties: use update='alternating' for them.")
    bases = [WeightAverage] if average else []
    bases += [DiffAugment] if augment else []
    bases += [R1Penalty] if r1 else []
    bases += [{"alternating": GAN, "alternating_fresh_noise": FreshNoiseGAN, "simultaneous": TutorialGAN}[update]]
    bases += [DiscriminatorSteps] if d_steps > 1 and loss != "wasserstein" else []
    bases += [{"non_saturating": GAN, "minimax": MinimaxGAN, "hinge": HingeGAN,
               "wasserstein": WGANGP if gradient_penalty else WGAN}[loss]]
    bases += [{None: GAN, "input": ConditionalGAN, "auxiliary": ACGAN}[conditioning]]
    bases = [base for base in dict.fromkeys(bases) if base is not GAN] or [GAN]
    if len(bases) == 1:
        return bases[0]
    return type("".join(base.__name__ for base in bases), tuple(bases), {})


def make_gan(generator, discriminator, loss: str = "non_saturating", update: str = "alternating", d_steps: int = 1,
             weight_clip: float | None = None, gradient_penalty_weight: float = 0.0, r1_weight: float = 0.0,
             augment=(), ema_decay: float | None = None, ema_rampup: float | None = 0.05,
             class_loss_weight: float = 1.0, **kwargs) -> GAN:
    """The GAN a named configuration describes, from options (``configurations.TrainConfig``'s):
    the class ``gan_class`` combines, with its options; ``kwargs`` go to ``GAN`` (labels, seed)."""
    conditioning = {(2, 2, 1): "input", (2, 1, 2): "auxiliary"}.get(
        (len(generator.inputs), len(discriminator.inputs), len(discriminator.outputs)))
    cls = gan_class(loss, update, conditioning, d_steps, gradient_penalty_weight > 0, r1_weight > 0, bool(augment),
                    ema_decay is not None)
    if weight_clip is not None and (loss != "wasserstein" or gradient_penalty_weight):
        raise ValueError(f"weight_clip={weight_clip} belongs to WGAN (loss='wasserstein', no gradient penalty).")
    kwargs.update({"d_steps": d_steps} if d_steps > 1 or loss == "wasserstein" else {})
    if loss == "wasserstein":
        kwargs.update({"gradient_penalty_weight": gradient_penalty_weight} if gradient_penalty_weight
                      else {"weight_clip": weight_clip})
    kwargs.update({"r1_weight": r1_weight} if r1_weight else {})
    kwargs.update({"augment": augment} if augment else {})
    kwargs.update({"ema_decay": ema_decay, "ema_rampup": ema_rampup} if ema_decay is not None else {})
    kwargs.update({"class_loss_weight": class_loss_weight} if conditioning == "auxiliary" else {})
    return cls(generator, discriminator, **kwargs)
