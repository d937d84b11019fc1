"""What the modern recipe changes in a discriminator (notebook 13): spectral normalisation of its
layers (SNGAN) and the minibatch standard-deviation feature (Karras et al. 2018)."""

from __future__ import annotations

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="gan_utils")
class MinibatchStdDev(layers.Layer):
    """Appends one feature: the standard deviation of each feature over the batch, averaged (Karras
    et al. 2018, *Progressive Growing of GANs*, section 3). A batch of near-identical fakes has a
    telltale low value, so the discriminator can punish a collapsed generator. Works on (batch,
    features) and (batch, height, width, channels) inputs; the feature is one constant column or
    channel."""

    def call(self, inputs):
        spread = ops.mean(ops.sqrt(ops.var(inputs, axis=0) + 1e-8))
        return ops.concatenate([inputs, ops.ones_like(inputs[..., :1]) * spread], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)


def spectral_normalized(discriminator: keras.Model, power_iterations: int = 1) -> keras.Model:
    """A copy of ``discriminator`` (fresh weights) with every Dense and Conv2D layer wrapped in
    ``keras.layers.SpectralNormalization`` (Miyato et al. 2018, SNGAN): each layer's kernel is
    divided by its largest singular value, estimated by power iteration, at every training call,
    which bounds the discriminator's Lipschitz constant. Embedding layers are left alone."""
    if power_iterations < 1:
        raise ValueError(f"power_iterations must be a positive integer, got {power_iterations!r}.")

    def wrap(layer):
        fresh = layer.__class__.from_config(layer.get_config())
        if isinstance(layer, (layers.Dense, layers.Conv2D)):
            return layers.SpectralNormalization(fresh, power_iterations=power_iterations, name=f"sn_{layer.name}")
        return fresh

    return keras.models.clone_model(discriminator, clone_function=wrap)


def with_minibatch_std(discriminator: keras.Model) -> keras.Model:
    """A copy (fresh weights) of a Sequential ``discriminator`` with a ``MinibatchStdDev`` feature
    map appended just before its Flatten layer, where the features still have one value per
    position: the discriminator then sees how much a batch varies, and a batch of near-copies
    stands out (Karras et al. 2018)."""
    if not isinstance(discriminator, keras.Sequential):
        raise ValueError(f"with_minibatch_std needs a Sequential discriminator; {discriminator.name!r} is a "
                         f"{type(discriminator).__name__}.")
    names = [layer.__class__.__name__ for layer in discriminator.layers]
    if "Flatten" not in names:
        raise ValueError(f"with_minibatch_std inserts the layer before Flatten; {discriminator.name!r} has none "
                         f"(its layers: {names}).")
    model = keras.Sequential(name=discriminator.name)
    model.add(keras.Input(shape=discriminator.input_shape[1:], name="image"))
    for layer in discriminator.layers:
        if isinstance(layer, layers.Flatten) and not any(isinstance(added, MinibatchStdDev) for added in model.layers):
            model.add(MinibatchStdDev(name="minibatch_std"))
        model.add(layer.__class__.from_config(layer.get_config()))
    return model
