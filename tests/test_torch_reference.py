"""The PyTorch reference loop of benchmarks/jax_speed.py runs the collection's own architectures:
the PyTorch copies have Keras' parameter counts and shapes. Needs PyTorch, which CI does not install
(the accelerator machines have it); skipped without it."""

import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from torch_reference import make_tutorial_loop, torch_copy  # noqa: E402

from gan_utils import models  # noqa: E402


@pytest.mark.parametrize("architecture", ["dcgan_tutorial", "dcgan_cifar10_report002", "keras_gan_report001"])
def test_the_pytorch_copy_has_the_keras_networks_shapes_and_parameters(architecture):
    shape = models.architecture(architecture).expected_image_shape
    generator, discriminator = models.build_gan_models(architecture, shape)
    for network in (generator, discriminator):
        copy = torch_copy(network)  # raises if the parameter count or output shape differs
        assert sum(p.numel() for p in copy.parameters()) == sum(int(np.prod(w.shape)) for w in network.trainable_weights)
    images = np.random.default_rng(0).uniform(-1, 1, (16, *shape)).astype("float32")
    step = make_tutorial_loop(generator, discriminator, images, 8, 100, torch.device("cpu"))
    assert np.isfinite(step()) and np.isfinite(step())


def test_a_layer_without_a_copy_is_named():
    import keras

    model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.UpSampling2D()], name="odd")
    with pytest.raises(ValueError, match="No PyTorch copy of a UpSampling2D layer"):
        torch_copy(model)
