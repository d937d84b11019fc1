"""GAN losses as small pure functions of discriminator logits (TF-GAN's losses_impl style).

The reports train the discriminator with binary cross-entropy on one batch that stacks real and
fake images, so its loss is the mean over both halves (log 2 = 0.693 at chance, as in report 001's
log). ``real_label`` / ``fake_label`` are parameters so the label-swap experiment can use 0 / 1.
"""

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


# Generator losses share one signature (fake_logits, real_label, fake_label) so the GAN can swap them.
GENERATOR_LOSSES = {
    "non_saturating": non_saturating_generator_loss,
    "minimax": minimax_generator_loss,
}
