"""The loop a PyTorch student would write, on the collection's own architectures: the PyTorch DCGAN
tutorial's training step (pytorch/tutorials, beginner_source/dcgan_faces_tutorial.py; the same loop
as pytorch/examples, dcgan/main.py) on a PyTorch copy of a Keras ``Sequential`` model.

``torch_copy(model)`` builds the copy layer by layer from the Keras model's configuration (Dense,
Conv2D, Conv2DTranspose with "same" padding, BatchNormalization, LeakyReLU, Dropout, Reshape,
Flatten, activations) and checks that it has the same trainable parameter count and output shape,
so the reference does the same arithmetic as the Keras model (weights are not copied: speed does not
depend on them). Images are NCHW in PyTorch, NHWC in Keras.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn


class Reshape(nn.Module):
    def __init__(self, height, width, channels):
        super().__init__()
        self.shape = (channels, height, width)

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


ACTIVATIONS = {"linear": None, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "relu": nn.ReLU}


def _activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"No PyTorch copy of activation {name!r}; accepted: {sorted(ACTIVATIONS)}.")
    return [ACTIVATIONS[name]()] if ACTIVATIONS[name] else []


def _same_conv(config, in_channels, in_height, in_width):
    """Conv2D with TensorFlow's "same" padding (at stride 2 it pads more on the right and bottom)."""
    (k_h, k_w), (s_h, s_w) = config["kernel_size"], config["strides"]
    modules = []
    if config["padding"] == "same":
        pad_h = max((math.ceil(in_height / s_h) - 1) * s_h + k_h - in_height, 0)
        pad_w = max((math.ceil(in_width / s_w) - 1) * s_w + k_w - in_width, 0)
        modules.append(nn.ZeroPad2d((pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2)))
    modules.append(nn.Conv2d(in_channels, config["filters"], (k_h, k_w), (s_h, s_w), bias=config["use_bias"]))
    return modules


def _same_conv_transpose(config, in_channels):
    """Conv2DTranspose with "same" padding: the output is the input times the stride."""
    (k_h, k_w), (s_h, s_w) = config["kernel_size"], config["strides"]
    if config["padding"] != "same":
        raise ValueError(f"Only 'same' Conv2DTranspose layers are copied, got padding {config['padding']!r}.")
    pad = (math.ceil((k_h - s_h) / 2), math.ceil((k_w - s_w) / 2))
    extra = (2 * pad[0] - (k_h - s_h), 2 * pad[1] - (k_w - s_w))
    return [nn.ConvTranspose2d(in_channels, config["filters"], (k_h, k_w), (s_h, s_w), padding=pad,
                               output_padding=extra, bias=config["use_bias"])]


def torch_copy(model) -> nn.Sequential:
    """A PyTorch ``nn.Sequential`` with the architecture of the Keras ``Sequential`` ``model``."""
    modules = []
    for layer in model.layers:
        kind, config = type(layer).__name__, layer.get_config()
        shape = tuple(layer.input.shape[1:])
        if kind == "Dense":
            modules.append(nn.Linear(shape[-1], config["units"], bias=config["use_bias"]))
            modules += _activation(config["activation"])
        elif kind == "Conv2D":
            modules += _same_conv(config, shape[2], shape[0], shape[1]) + _activation(config["activation"])
        elif kind == "Conv2DTranspose":
            modules += _same_conv_transpose(config, shape[2]) + _activation(config["activation"])
        elif kind == "BatchNormalization":
            norm = nn.BatchNorm1d if len(shape) == 1 else nn.BatchNorm2d
            modules.append(norm(shape[-1], eps=config["epsilon"], momentum=1 - config["momentum"]))
        elif kind == "LeakyReLU":
            modules.append(nn.LeakyReLU(config["negative_slope"]))
        elif kind == "Activation":
            modules += _activation(config["activation"])
        elif kind == "Dropout":
            modules.append(nn.Dropout(config["rate"]))
        elif kind == "Reshape":
            modules.append(Reshape(*config["target_shape"]))
        elif kind == "Flatten":
            modules.append(nn.Flatten())
        else:
            raise ValueError(f"No PyTorch copy of a {kind} layer ({layer.name}).")
    copy = nn.Sequential(*modules)
    trainable = sum(p.numel() for p in copy.parameters())
    expected = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    if trainable != expected:
        raise AssertionError(f"The PyTorch copy of {model.name} has {trainable:,} parameters, Keras' {expected:,}.")
    copy.eval()
    with torch.no_grad():
        output = copy(torch.zeros(2, *_torch_shape(tuple(model.inputs[0].shape[1:]))))
    if tuple(output.shape[1:]) != _torch_shape(tuple(model.outputs[0].shape[1:])):
        raise AssertionError(f"The PyTorch copy of {model.name} outputs {tuple(output.shape[1:])}, "
                             f"Keras' {tuple(model.outputs[0].shape[1:])}.")
    return copy.train()


def _torch_shape(keras_shape):
    return (keras_shape[2], keras_shape[0], keras_shape[1]) if len(keras_shape) == 3 else keras_shape


def make_tutorial_loop(generator, discriminator, images: np.ndarray, batch: int, latent_dim: int, device, seed=0):
    """The PyTorch DCGAN tutorial's step on copies of the Keras ``generator`` and ``discriminator``
    (which return logits here, hence ``BCEWithLogitsLoss`` where the tutorial's sigmoid
    discriminator uses ``BCELoss``): the discriminator learns on a real batch and on fakes
    (``fake.detach()``), then the generator learns through the updated discriminator on the same
    fakes; Adam 2e-4, betas (0.5, 0.999). That is ``gan_utils``' default ``alternating`` update.
    ``images`` (NHWC) stay in host memory and each batch is copied to the device, as
    ``gan_utils`` does. Returns ``step()``, which runs one step and returns the generator's loss."""
    torch.manual_seed(seed)
    net_g, net_d = torch_copy(generator).to(device), torch_copy(discriminator).to(device)
    criterion = nn.BCEWithLogitsLoss()
    optimizer_d = torch.optim.Adam(net_d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optimizer_g = torch.optim.Adam(net_g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    host = torch.from_numpy(np.ascontiguousarray(images.transpose(0, 3, 1, 2)))
    if device.type == "cuda":
        host = host.pin_memory()
    real_label = torch.ones(batch, 1, device=device)
    fake_label = torch.zeros(batch, 1, device=device)
    rng = np.random.default_rng(seed)

    def step():
        start = int(rng.integers(0, len(images) // batch)) * batch
        real = host[start:start + batch].to(device, non_blocking=True)
        net_d.zero_grad()
        error_real = criterion(net_d(real), real_label)
        error_real.backward()
        fake = net_g(torch.randn(batch, latent_dim, device=device))
        error_fake = criterion(net_d(fake.detach()), fake_label)
        error_fake.backward()
        optimizer_d.step()
        net_g.zero_grad()
        error_g = criterion(net_d(fake), real_label)
        error_g.backward()
        optimizer_g.step()
        return error_g.item()  # the tutorial reads its losses every step, which waits for the device

    return step
