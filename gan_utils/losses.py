"""GAN losses as small pure functions of discriminator outputs (TF-GAN's losses_impl style), and
the loss pairs a GAN is compiled with.

* Minimax and non-saturating: Goodfellow et al. 2014, *Generative Adversarial Nets*, eq. 1 and
  section 3. Binary cross-entropy losses take logits. The reports train the discriminator with
  binary cross-entropy on one batch that stacks real and fake images, so its loss is the mean over
  both halves (log 2 = 0.693 at chance, as in report 001's log). ``real_label`` / ``fake_label``
  are parameters so the label-swap experiment can use 0 / 1.
* Wasserstein: Arjovsky et al. 2017, *Wasserstein GAN* (critic scores, no sigmoid), which report
  003 follows; the gradient penalty: Gulrajani et al. 2017, *Improved Training of Wasserstein
  GANs*.
* Hinge: Lim & Ye 2017, *Geometric GAN*, as SNGAN (Miyato et al. 2018) and BigGAN train with it:
  the discriminator minimises E[relu(1 - D(x))] + E[relu(1 + D(G(z)))], the generator -E[D(G(z))].
* R1: Mescheder et al. 2018, *Which Training Methods for GANs do actually Converge?*: the squared
  gradient norm of the discriminator on real images, weighted by gamma / 2.
* ACGAN's class terms: Odena et al. 2017, *Conditional Image Synthesis with Auxiliary Classifier
  GANs*; added, with a weight, to either adversarial pair (``ACGAN_CLASS_LOSS``).
"""

from dataclasses import dataclass
from typing import Callable

import keras
from keras import ops


def _bce_with_constant_target(target: float, logits):
    """Mean binary cross-entropy of ``logits`` against a constant target probability."""
    targets = ops.full_like(logits, target)
    return ops.mean(ops.binary_crossentropy(targets, logits, from_logits=True))


def discriminator_loss(real_logits, fake_logits, real_label: float = 1.0, fake_label: float = 0.0):
    """Binary cross-entropy of the discriminator over a batch of real and a batch of fake images.

    With real_label=1 and fake_label=0 this is minus the GAN value function V(D, G) (averaged over
    the two halves) that the discriminator maximises.
    """
    return 0.5 * (
        _bce_with_constant_target(real_label, real_logits)
        + _bce_with_constant_target(fake_label, fake_logits)
    )


def non_saturating_generator_loss(fake_logits, real_label: float = 1.0, fake_label: float = 0.0):
    """-log D(G(z)): the generator is trained to have its images labelled real (what the reports do)."""
    return _bce_with_constant_target(real_label, fake_logits)


def minimax_generator_loss(fake_logits, real_label: float = 1.0, fake_label: float = 0.0):
    """log(1 - D(G(z))), the generator's term of the original minimax game (saturates early on)."""
    return -_bce_with_constant_target(fake_label, fake_logits)


def wasserstein_critic_loss(real_scores, fake_scores, real_label=None, fake_label=None):
    """mean f(G(z)) - mean f(x): the critic maximises the gap between real and fake scores."""
    return ops.mean(fake_scores) - ops.mean(real_scores)


def wasserstein_generator_loss(fake_scores, real_label=None, fake_label=None):
    """-mean f(G(z)): the generator raises the critic's score of its images."""
    return -ops.mean(fake_scores)


def wasserstein_estimate(real_scores, fake_scores):
    """mean f(x) - mean f(G(z)): the critic's estimate of the Wasserstein distance (up to the
    critic's Lipschitz constant), the curve report 003 reads as a training signal."""
    return ops.mean(real_scores) - ops.mean(fake_scores)


def hinge_discriminator_loss(real_scores, fake_scores, real_label=None, fake_label=None):
    """mean relu(1 - D(x)) + mean relu(1 + D(G(z))): scores beyond the margin of 1 cost nothing."""
    return ops.mean(ops.relu(1.0 - real_scores)) + ops.mean(ops.relu(1.0 + fake_scores))


def hinge_generator_loss(fake_scores, real_label=None, fake_label=None):
    """-mean D(G(z)), as the Wasserstein generator: raise the discriminator's score of the fakes."""
    return -ops.mean(fake_scores)


def class_loss(labels, class_logits):
    """ACGAN's class term: mean cross-entropy of the class logits against the integer labels,
    i.e. minus the log-likelihood E[log P(C = c | X)] that report 003 writes. The discriminator
    minimises it on real and on generated images, the generator on its own images."""
    labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
    return ops.mean(ops.sparse_categorical_crossentropy(labels, class_logits, from_logits=True))


def acgan_discriminator_class_loss(labels, real_class_logits, fake_class_logits):
    """The discriminator's class term: ``class_loss`` on real and on generated images, averaged
    (as its adversarial loss averages the two halves)."""
    return 0.5 * (class_loss(labels, real_class_logits) + class_loss(labels, fake_class_logits))


def acgan_generator_class_loss(labels, fake_class_logits):
    """The generator's class term: its images should be classified as the class requested."""
    return class_loss(labels, fake_class_logits)


def input_gradients(function: Callable, inputs):
    """The gradient of sum(function(inputs)) with respect to the inputs, on the backend in use:
    ``tf.GradientTape`` on TensorFlow, ``jax.grad`` on JAX (inside a train step it sees the
    step's variable values through Keras' ``StatelessScope``)."""
    if keras.backend.backend() == "jax":
        import jax

        return jax.grad(lambda x: ops.sum(ops.cast(function(x), "float32")))(inputs)
    import tensorflow as tf

    with tf.GradientTape() as tape:
        tape.watch(inputs)
        outputs = function(inputs)
    return tape.gradient(outputs, inputs)


def gradient_penalty(critic: Callable, real_images, fake_images, interpolation):
    """WGAN-GP's penalty: mean over the batch of (||grad_x f(x_hat)||_2 - 1)^2, where
    x_hat = t * real + (1 - t) * fake with one factor t per example (``interpolation``, shape
    (batch,), drawn uniformly from [0, 1] by the caller).

    The norm is computed as sqrt(sum of squares + 1e-12): a plain sqrt has an infinite derivative
    at zero, which turns a zero gradient (identical real and fake batches, a flat critic) into NaN.
    """
    t = ops.reshape(ops.cast(interpolation, real_images.dtype), (-1,) + (1,) * (len(real_images.shape) - 1))
    mixed = t * real_images + (1.0 - t) * fake_images
    gradients = input_gradients(critic, mixed)
    squared = ops.sum(ops.square(ops.reshape(gradients, (ops.shape(gradients)[0], -1))), axis=1)
    return ops.mean(ops.square(ops.sqrt(squared + 1e-12) - 1.0))


def r1_penalty(discriminator: Callable, real_images):
    """R1: mean over the batch of ||grad_x D(x)||^2 on real images (no square root, so no NaN at a
    zero gradient). The discriminator minimises gamma / 2 times it (``GAN.compile(r1_weight=gamma)``)."""
    gradients = input_gradients(discriminator, real_images)
    return ops.mean(ops.sum(ops.square(ops.reshape(gradients, (ops.shape(gradients)[0], -1))), axis=1))


@dataclass(frozen=True)
class GANLoss:
    """A discriminator loss and a generator loss that belong together, with one signature each:
    ``discriminator(real, fake, real_label, fake_label)`` and ``generator(fake, real_label, fake_label)``."""

    discriminator: Callable
    generator: Callable
    classifies: bool  # outputs are real/fake logits (accuracies make sense) rather than critic scores


@dataclass(frozen=True)
class ClassLoss:
    """The class terms of an auxiliary-classifier GAN: ``discriminator(labels, real_class_logits,
    fake_class_logits)`` and ``generator(labels, fake_class_logits)``."""

    discriminator: Callable
    generator: Callable


ACGAN_CLASS_LOSS = ClassLoss(acgan_discriminator_class_loss, acgan_generator_class_loss)

LOSSES = {
    "non_saturating": GANLoss(discriminator_loss, non_saturating_generator_loss, classifies=True),
    "minimax": GANLoss(discriminator_loss, minimax_generator_loss, classifies=True),
    "wasserstein": GANLoss(wasserstein_critic_loss, wasserstein_generator_loss, classifies=False),
    "hinge": GANLoss(hinge_discriminator_loss, hinge_generator_loss, classifies=False),
}
