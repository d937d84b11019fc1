"""Model builders, one per architecture in the reports, and a registry to build them by name.

Discriminators return a logit (no sigmoid): the sigmoid the reports put on the last Dense layer is
folded into the loss (``from_logits=True``), which is the numerically stable way to compute binary
cross-entropy. The sigmoid has no parameters, so the parameter counts are the reports' own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import keras
from keras import layers

LEAKY_SLOPE = 0.2


def _check_latent_dim(latent_dim) -> int:
    if not isinstance(latent_dim, int) or latent_dim < 1:
        raise ValueError(f"latent_dim must be a positive integer, got {latent_dim!r}.")
    return latent_dim


def _base_size(image_shape, upsamplings: int) -> tuple[int, int]:
    height, width = image_shape[0], image_shape[1]
    factor = 2**upsamplings
    if height % factor or width % factor:
        raise ValueError(
            f"image_shape {tuple(image_shape)} cannot be reached by {upsamplings} stride-2 "
            f"upsamplings: height and width must be multiples of {factor}."
        )
    return height // factor, width // factor


def keras_gan_generator(
    latent_dim: int = 100,
    image_shape=(28, 28, 1),
    filters: int = 128,
    upsamplings: int = 2,
    output_activation: str = "sigmoid",
    name: str = "generator",
) -> keras.Model:
    """The Keras MNIST GAN generator of reports 000 and 001.

    Dense to a (h/2^k, w/2^k, filters) map, LeakyReLU(0.2), then ``upsamplings`` 4x4 stride-2
    Conv2DTranspose + LeakyReLU, then a 7x7 Conv2D to the image channels. Report 001 uses
    upsamplings=2 (7x7x128 start, 1,164,289 parameters); report 000 uses upsamplings=1 (14x14x128).
    """
    latent_dim = _check_latent_dim(latent_dim)
    base_h, base_w = _base_size(image_shape, upsamplings)
    model = keras.Sequential(name=name)
    model.add(keras.Input(shape=(latent_dim,), name="latent"))
    model.add(layers.Dense(base_h * base_w * filters))
    model.add(layers.LeakyReLU(negative_slope=LEAKY_SLOPE))
    model.add(layers.Reshape((base_h, base_w, filters)))
    for _ in range(upsamplings):
        model.add(layers.Conv2DTranspose(filters, 4, strides=2, padding="same"))
        model.add(layers.LeakyReLU(negative_slope=LEAKY_SLOPE))
    model.add(layers.Conv2D(image_shape[2], 7, padding="same", activation=output_activation))
    return model


def keras_gan_discriminator(
    image_shape=(28, 28, 1),
    filters=(64, 64),
    dropout: float = 0.4,
    name: str = "discriminator",
) -> keras.Model:
    """The Keras MNIST GAN discriminator of reports 000 and 001, returning a logit.

    3x3 stride-2 Conv2D + LeakyReLU(0.2) + Dropout per entry of ``filters``, Flatten, Dense(1).
    Report 001 uses filters (64, 64): 40,705 parameters; report 000 uses (64, 128).
    """
    model = keras.Sequential(name=name)
    model.add(keras.Input(shape=tuple(image_shape), name="image"))
    for count in filters:
        model.add(layers.Conv2D(count, 3, strides=2, padding="same"))
        model.add(layers.LeakyReLU(negative_slope=LEAKY_SLOPE))
        model.add(layers.Dropout(dropout))
    model.add(layers.Flatten())
    model.add(layers.Dense(1, name="logit"))
    return model


@dataclass(frozen=True)
class Architecture:
    """A generator/discriminator pair from one report, and the pixel range its generator produces."""

    description: str
    build_generator: Callable[..., keras.Model]
    build_discriminator: Callable[..., keras.Model]
    output_activation: str
    expected_params: dict | None = None  # {"generator": n, "discriminator": n} the report states


ARCHITECTURES = {
    "keras_gan_report001": Architecture(
        description="Report 001's Keras MNIST GAN: dense 7x7x128 + two conv-transposes; conv 64-64",
        build_generator=lambda latent_dim, image_shape: keras_gan_generator(
            latent_dim, image_shape, upsamplings=2, output_activation="sigmoid"
        ),
        build_discriminator=lambda image_shape: keras_gan_discriminator(image_shape, (64, 64)),
        output_activation="sigmoid",
        expected_params={"generator": 1_164_289, "discriminator": 40_705},
    ),
    "keras_gan_report000": Architecture(
        description="Report 000's Keras MNIST GAN: dense 14x14x128 + one conv-transpose; conv 64-128",
        build_generator=lambda latent_dim, image_shape: keras_gan_generator(
            latent_dim, image_shape, upsamplings=1, output_activation="sigmoid"
        ),
        build_discriminator=lambda image_shape: keras_gan_discriminator(image_shape, (64, 128)),
        output_activation="sigmoid",
    ),
}


def architecture(name: str) -> Architecture:
    try:
        return ARCHITECTURES[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"Unknown architecture {name!r}; accepted names are {sorted(ARCHITECTURES)}."
        ) from None


def build_gan_models(name: str, image_shape=(28, 28, 1), latent_dim: int = 100):
    """Build the (generator, discriminator) pair of a named architecture."""
    spec = architecture(name)
    return (
        spec.build_generator(latent_dim, tuple(image_shape)),
        spec.build_discriminator(tuple(image_shape)),
    )


def check_param_counts(name: str, generator: keras.Model, discriminator: keras.Model) -> dict:
    """Compare parameter counts with the report's; raise if they differ. Returns the counts."""
    counts = {"generator": generator.count_params(), "discriminator": discriminator.count_params()}
    expected = architecture(name).expected_params
    if expected is not None and counts != expected:
        raise AssertionError(f"{name}: parameter counts {counts} differ from the report's {expected}.")
    return counts
