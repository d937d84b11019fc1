"""Conditional GANs, subclasses of ``training.GAN``: input conditioning (report 004, notebook 10) and
an auxiliary classifier (ACGAN, report 003, notebook 11). Both train on (images, labels) batches,
and a step's fakes take the labels of its real batch."""

from __future__ import annotations

import keras
from keras import ops

from gan_utils import data, losses, pipelines
from gan_utils.training import GAN


class ConditionalGAN(GAN):
    """Mirza & Osindero's conditioning, as report 004 wires it: ``generator([noise, label])`` and
    ``discriminator([image, label]) -> logit``; ``n_classes`` is read from the generator's
    Embedding layer when not given."""

    conditional = True
    signature = (2, 2, 1)  # the generator's inputs, the discriminator's inputs and outputs

    def __init__(self, generator, discriminator, n_classes: int | None = None, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.n_classes = classes_of(generator, discriminator, n_classes)

    def make_images(self, noise, labels=None, training=False):
        return self.generator([noise, label_column(labels)], training=training)

    def discriminate(self, images, labels=None, training=False):
        return self.discriminator([images, label_column(labels)], training=training)

    def unpack(self, data):
        images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if labels is None:
            raise ValueError(f"This GAN is conditional ({self.n_classes} classes) and trains on (images, labels) "
                             "batches: use data.make_dataset(images, labels, ...).")
        return images, labels

    def fit(self, x=None, y=None, *args, **kwargs):
        if not pipelines.is_pipeline(x):
            if y is None:
                raise ValueError(f"This GAN is conditional ({self.n_classes} classes): fit needs labels, as "
                                 "fit(images, labels) or a data.make_dataset(images, labels) pipeline.")
            self.check_labels(y, len(x))
        return super().fit(x, y, *args, **kwargs)

    def call(self, inputs, training=False):
        noise, labels = inputs
        return self.make_images(noise, labels, training)

    def check_labels(self, labels, n: int):
        """Labels for n images as int32 (n,): an Embedding would wrap or zero a bad one silently."""
        return data.check_labels(labels, n, self.n_classes)


class ACGAN(ConditionalGAN):
    """Odena et al.'s auxiliary classifier: ``discriminator(image) -> [logit, class logits]``; both
    networks add ``class_loss_weight`` times a class term to their loss (report 003 sums them)."""

    signature = (2, 1, 2)  # a class head: the discriminator gives a logit and class logits
    logged = GAN.logged + ("class_loss", "g_class_loss", "real_class_acc", "fake_class_acc")

    def __init__(self, generator, discriminator, class_loss_weight: float = 1.0, **kwargs):
        if not class_loss_weight >= 0:
            raise ValueError(f"class_loss_weight must be >= 0, got {class_loss_weight!r}.")
        super().__init__(generator, discriminator, **kwargs)
        self.class_loss_weight = float(class_loss_weight)

    def discriminate(self, images, labels=None, training=False):
        return tuple(self.discriminator(images, training=training))

    def discriminator_terms(self, real_output, fake_output, labels=None):
        (real_logits, real_classes), (fake_logits, fake_classes) = real_output, fake_output
        terms = super().discriminator_terms(real_logits, fake_logits, labels)
        terms["class_loss"] = losses.acgan_discriminator_class_loss(labels, real_classes, fake_classes)
        terms["d_loss"] = terms["d_loss"] + self.class_loss_weight * terms["class_loss"]
        terms["real_class_acc"] = class_accuracy(labels, real_classes)
        terms["fake_class_acc"] = class_accuracy(labels, fake_classes)
        return terms

    def generator_terms(self, fake_output, labels=None):
        fake_logits, fake_classes = fake_output
        terms = super().generator_terms(fake_logits, labels)
        terms["g_class_loss"] = losses.acgan_generator_class_loss(labels, fake_classes)
        terms["g_loss"] = terms["g_loss"] + self.class_loss_weight * terms["g_class_loss"]
        return terms


def class_accuracy(labels, class_logits):
    """1 where the class head's top class is the label, per image."""
    return ops.cast(ops.argmax(class_logits, axis=-1) == ops.cast(ops.reshape(labels, (-1,)), "int32"), "float32")


def label_column(labels):
    """Labels as the (batch, 1) int32 column the networks' label input takes."""
    return ops.reshape(ops.cast(labels, "int32"), (-1, 1))


def classes_of(generator, discriminator, n_classes=None) -> int:
    """The number of classes: ``n_classes``, checked against the class head or the generator's
    first Embedding layer, or read from them."""
    if len(discriminator.outputs) == 2:
        found = int(discriminator.outputs[1].shape[-1])
    else:
        embeddings = [layer for layer in generator.layers if isinstance(layer, keras.layers.Embedding)]
        found = int(embeddings[0].input_dim) if embeddings else None
    if n_classes is None:
        if found is None:
            raise ValueError("Cannot tell the number of classes from the generator: pass n_classes.")
        return found
    if found is not None and found != n_classes:
        raise ValueError(f"n_classes={n_classes} but the networks are built for {found} classes.")
    return int(n_classes)
