"""The reports' architectures by name: which builders of ``models`` make each pair, with which
options, the pixel range the generator produces and the parameter counts the report states."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import keras

from gan_utils import models, names


@dataclass(frozen=True)
class Architecture:
    """A generator/discriminator pair from one report: ``generator(latent_dim, image_shape[,
    n_classes], **generator_options)`` and ``discriminator(image_shape[, n_classes],
    **discriminator_options)``, builders of ``models``."""

    description: str
    generator: Callable[..., keras.Model]
    discriminator: Callable[..., keras.Model]
    output_activation: str
    generator_options: dict = field(default_factory=dict)
    discriminator_options: dict = field(default_factory=dict)
    # {"generator": n, "discriminator": n} as the report states them, for the report's image shape
    expected_params: dict | None = None
    expected_image_shape: tuple = (28, 28, 1)
    # None; "input" (the label is an input of both networks, report 004) or "auxiliary" (the
    # discriminator predicts the class, ACGAN). Conditional builders take n_classes.
    conditioning: str | None = None

    @property
    def builders(self) -> tuple[str, str]:
        """The names of the two builder functions."""
        return self.generator.__name__, self.discriminator.__name__


ARCHITECTURES = {
    "keras_gan_report001": Architecture(
        description="Report 001's Keras MNIST GAN: dense 7x7x128 + two conv-transposes; conv 64-64",
        generator=models.keras_gan_generator, generator_options={"upsamplings": 2, "output_activation": "sigmoid"},
        discriminator=models.keras_gan_discriminator, discriminator_options={"filters": (64, 64)},
        output_activation="sigmoid",
        expected_params={"generator": 1_164_289, "discriminator": 40_705},
    ),
    "keras_gan_report000": Architecture(
        description="Report 000's Keras MNIST GAN: dense 14x14x128 + one conv-transpose; conv 64-128",
        generator=models.keras_gan_generator, generator_options={"upsamplings": 1, "output_activation": "sigmoid"},
        discriminator=models.keras_gan_discriminator, discriminator_options={"filters": (64, 128)},
        output_activation="sigmoid",
    ),
    "dcgan_tutorial": Architecture(
        description="TensorFlow tutorial DCGAN (reports 001, 004): BN generator 7x7x256, conv 64-128 discriminator",
        generator=models.dcgan_generator, discriminator=models.dcgan_discriminator,
        output_activation="tanh",
        expected_params={"generator": 2_330_944, "discriminator": 212_865},
    ),
    "dcgan_cifar10_report002": Architecture(
        description="Report 002's CIFAR-10 DCGAN: dense 4x4x256 + three conv-transposes; conv 64-128-128-256",
        generator=models.cifar_dcgan_generator, discriminator=models.cifar_dcgan_discriminator,
        output_activation="tanh",
        expected_image_shape=(32, 32, 3),  # report 002 lists no parameter counts
    ),
    "wgan_cifar10": Architecture(
        description="WGAN on report 002's CIFAR-10 networks; the critic has no sigmoid and no dropout",
        generator=models.cifar_dcgan_generator,
        discriminator=models.cifar_dcgan_discriminator, discriminator_options={"dropout": 0.0, "name": "critic"},
        output_activation="tanh",
        expected_image_shape=(32, 32, 3),
    ),
    "dcgan_cifar10_report004": Architecture(
        description="Report 004's CIFAR-10 DCGAN: tutorial generator at 8x8x256 (BN, 128-64-3); report 002's discriminator",
        generator=models.dcgan_generator, discriminator=models.cifar_dcgan_discriminator,
        output_activation="tanh",
        expected_image_shape=(32, 32, 3),
    ),
    "conditional_dcgan_report004": Architecture(
        description="Report 004's conditional DCGAN: label embedding channels beside the 7x7x128 map and the image",
        generator=models.conditional_dcgan_generator, discriminator=models.conditional_dcgan_discriminator,
        output_activation="tanh",
        expected_params={"generator": 1_028_743, "discriminator": 196_773},  # our count of the report's code
        conditioning="input",
    ),
    "conditional_dcgan_report004_tanh": Architecture(
        description="Report 004's conditional DCGAN exactly as written: a tanh on the discriminator's output",
        generator=models.conditional_dcgan_generator,
        discriminator=models.conditional_dcgan_discriminator, discriminator_options={"output": "tanh"},
        output_activation="tanh",
        expected_params={"generator": 1_028_743, "discriminator": 196_773},
        conditioning="input",
    ),
    "conditional_dcgan_report004_bn": Architecture(
        description="Report 004's conditional DCGAN with batch norm in the generator (screened, not the cure: notebook 10)",
        generator=models.conditional_dcgan_generator, generator_options={"batch_norm": True},
        discriminator=models.conditional_dcgan_discriminator,
        output_activation="tanh",
        expected_params={"generator": 1_054_599, "discriminator": 196_773},  # the report's + 25,856 of batch norm
        conditioning="input",
    ),
    "acgan_cifar10": Architecture(
        description="ACGAN (report 003) on report 002's CIFAR-10 networks: label channel in; source + class heads out",
        generator=models.acgan_generator, discriminator=models.acgan_discriminator,
        output_activation="tanh",
        expected_image_shape=(32, 32, 3),
        conditioning="auxiliary",
    ),
    "acgan_28x28": Architecture(
        description="The ACGAN of notebook 11 at 28x28: one upsampling fewer (7x7 -> 14 -> 28), for digits",
        generator=models.acgan_generator, generator_options={"upsamplings": 2},
        discriminator=models.acgan_discriminator,
        output_activation="tanh",
        conditioning="auxiliary",
    ),
}


def architecture(name: str) -> Architecture:
    return names.look_up(ARCHITECTURES, name, "architecture")


def build_gan_models(name: str, image_shape=(28, 28, 1), latent_dim: int = 100, n_classes: int = 10):
    """Build the (generator, discriminator) pair of a named architecture (``n_classes`` is used by
    the conditional ones only)."""
    spec = architecture(name)
    image_shape = tuple(image_shape)
    classes = (n_classes,) if spec.conditioning else ()
    return (spec.generator(latent_dim, image_shape, *classes, **spec.generator_options),
            spec.discriminator(image_shape, *classes, **spec.discriminator_options))


def check_param_counts(name: str, generator: keras.Model, discriminator: keras.Model) -> dict:
    """Compare parameter counts with the report's; raise if they differ. Returns the counts."""
    counts = {"generator": generator.count_params(), "discriminator": discriminator.count_params()}
    spec = architecture(name)
    expected = spec.expected_params
    if tuple(generator.output_shape[1:]) != tuple(spec.expected_image_shape):
        return counts  # the report's counts hold only for the report's image shape
    if expected is not None and counts != expected:
        raise AssertionError(f"{name}: parameter counts {counts} differ from the report's {expected}.")
    return counts
