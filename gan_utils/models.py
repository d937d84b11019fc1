"""Model builders, one per architecture in the reports (the registry by name: ``architectures``).

Discriminators return a logit: the reports' final sigmoid is folded into the loss (``from_logits=True``,
the numerically stable binary cross-entropy); it has no parameters, so the counts are the reports'.
"""

from __future__ import annotations

import keras
from keras import layers

from gan_utils import names

LEAKY_SLOPE = 0.2


def checked_latent_dim(latent_dim) -> int:
    if not isinstance(latent_dim, int) or latent_dim < 1:
        raise ValueError(f"latent_dim must be a positive integer, got {latent_dim!r}.")
    return latent_dim


def base_size(image_shape, upsamplings: int) -> tuple[int, int]:
    height, width, factor = image_shape[0], image_shape[1], 2**upsamplings
    if height % factor or width % factor:
        raise ValueError(f"image_shape {tuple(image_shape)} cannot be reached by {upsamplings} stride-2 "
                         f"upsamplings: height and width must be multiples of {factor}.")
    return height // factor, width // factor


def keras_gan_generator(
    latent_dim: int = 100,
    image_shape=(28, 28, 1),
    filters: int = 128,
    upsamplings: int = 2,
    output_activation: str = "sigmoid",
    dense_filters: int | None = None,
    output_kernel: int = 7,
    name: str = "generator",
) -> keras.Model:
    """The Keras MNIST GAN generator of reports 000 and 001.

    Dense to a (h/2^k, w/2^k, dense_filters) map, LeakyReLU(0.2), then ``upsamplings`` 4x4
    stride-2 Conv2DTranspose of ``filters`` + LeakyReLU, then an ``output_kernel`` Conv2D to the
    image channels. Report 001 uses upsamplings=2 (7x7x128 start, 1,164,289 parameters); report
    000 uses upsamplings=1 (14x14x128). ``dense_filters`` defaults to ``filters``.
    """
    latent_dim = checked_latent_dim(latent_dim)
    base_h, base_w = base_size(image_shape, upsamplings)
    dense_filters = dense_filters or filters
    model = keras.Sequential(name=name)
    model.add(keras.Input(shape=(latent_dim,), name="latent"))
    model.add(layers.Dense(base_h * base_w * dense_filters))
    model.add(layers.LeakyReLU(negative_slope=LEAKY_SLOPE))
    model.add(layers.Reshape((base_h, base_w, dense_filters)))
    for _ in range(upsamplings):
        model.add(layers.Conv2DTranspose(filters, 4, strides=2, padding="same"))
        model.add(layers.LeakyReLU(negative_slope=LEAKY_SLOPE))
    model.add(layers.Conv2D(image_shape[2], output_kernel, padding="same", activation=output_activation))
    return model


def keras_gan_discriminator(
    image_shape=(28, 28, 1),
    filters=(64, 64),
    dropout: float = 0.4,
    kernel_size: int = 3,
    negative_slope: float = LEAKY_SLOPE,
    name: str = "discriminator",
) -> keras.Model:
    """The Keras MNIST GAN discriminator of reports 000 and 001, returning a logit.

    A stride-2 Conv2D + LeakyReLU + Dropout per entry of ``filters``, Flatten, Dense(1).
    Report 001 uses 3x3 kernels and filters (64, 64): 40,705 parameters; report 000 uses (64, 128).
    """
    model = keras.Sequential(name=name)
    model.add(keras.Input(shape=tuple(image_shape), name="image"))
    for count in filters:
        model.add(layers.Conv2D(count, kernel_size, strides=2, padding="same"))
        model.add(layers.LeakyReLU(negative_slope=negative_slope))
        model.add(layers.Dropout(dropout))
    model.add(layers.Flatten())
    model.add(layers.Dense(1, name="logit", dtype="float32"))  # float32 logits under mixed precision
    return model


def dcgan_generator(latent_dim: int = 100, image_shape=(28, 28, 1), name: str = "generator") -> keras.Model:
    """The TensorFlow DCGAN tutorial's generator (reports 001 and 004), with a tanh output.

    Dense (no bias) to a (h/4, w/4, 256) map; 5x5 Conv2DTranspose of 128 at stride 1, of 64 and then
    the image channels at stride 2; batch norm and LeakyReLU (Keras' default slope 0.3) after all
    but the last. For MNIST: 2,330,944 parameters, 25,472 of them (the batch-norm moving statistics)
    non-trainable. At image_shape (32, 32, 3) it is report 004's CIFAR-10 generator (dense 8x8x256).
    """
    latent_dim = checked_latent_dim(latent_dim)
    height, width = base_size(image_shape, 2)
    model = keras.Sequential(name=name)
    model.add(keras.Input(shape=(latent_dim,), name="latent"))
    model.add(layers.Dense(height * width * 256, use_bias=False))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU(negative_slope=0.3))
    model.add(layers.Reshape((height, width, 256)))
    for filters, stride in ((128, 1), (64, 2)):
        model.add(layers.Conv2DTranspose(filters, 5, strides=stride, padding="same", use_bias=False))
        model.add(layers.BatchNormalization())
        model.add(layers.LeakyReLU(negative_slope=0.3))
    model.add(layers.Conv2DTranspose(image_shape[2], 5, strides=2, padding="same", use_bias=False, activation="tanh"))
    return model


def dcgan_discriminator(
    image_shape=(28, 28, 1), filters=(64, 128), dropout: float = 0.3, name: str = "discriminator"
) -> keras.Model:
    """The TensorFlow DCGAN tutorial's discriminator, returning a logit: 5x5 stride-2 convs of 64 and
    128 filters, each followed by LeakyReLU (Keras' default slope 0.3) and dropout; Flatten, Dense(1).
    212,865 parameters on MNIST."""
    model = keras.Sequential(name=name)
    model.add(keras.Input(shape=tuple(image_shape), name="image"))
    for count in filters:
        model.add(layers.Conv2D(count, 5, strides=2, padding="same"))
        model.add(layers.LeakyReLU(negative_slope=0.3))
        model.add(layers.Dropout(dropout))
    model.add(layers.Flatten())
    model.add(layers.Dense(1, name="logit", dtype="float32"))  # float32 logits under mixed precision
    return model


def cifar_dcgan_generator(
    latent_dim: int = 100, image_shape=(32, 32, 3), filters: int = 128, name: str = "generator"
) -> keras.Model:
    """Report 002's CIFAR-10 generator: report 001's recipe at 32x32x3 with a dense 4x4x256 start,
    three 4x4 stride-2 Conv2DTranspose of ``filters`` (LeakyReLU 0.2) and a 3x3 tanh Conv2D."""
    return keras_gan_generator(
        latent_dim, image_shape, filters=filters, upsamplings=3, output_activation="tanh",
        dense_filters=256, output_kernel=3, name=name,
    )


def cifar_dcgan_discriminator(
    image_shape=(32, 32, 3), filters=(64, 128, 128, 256), dropout: float = 0.4, name: str = "discriminator"
) -> keras.Model:
    """Report 002's CIFAR-10 discriminator, returning a logit: a 3x3 conv of 64 at stride 1, then
    3x3 stride-2 convs of 128, 128 and 256, all with LeakyReLU(0.2); Flatten, dropout 0.4, Dense(1)."""
    model = keras.Sequential(name=name)
    model.add(keras.Input(shape=tuple(image_shape), name="image"))
    for index, count in enumerate(filters):
        model.add(layers.Conv2D(count, 3, strides=1 if index == 0 else 2, padding="same"))
        model.add(layers.LeakyReLU(negative_slope=LEAKY_SLOPE))
    model.add(layers.Flatten())
    if dropout:
        model.add(layers.Dropout(dropout))
    model.add(layers.Dense(1, name="logit", dtype="float32"))  # float32 logits under mixed precision
    return model


def label_map(labels, n_classes: int, embedding_dim: int, height: int, width: int, use_bias: bool = True,
               kernel_initializer="glorot_uniform"):
    """Report 004's label path: Embedding(n_classes, embedding_dim) -> Dense(h*w) -> an (h, w, 1)
    map that is concatenated as an extra channel. The Embedding is named "label_embedding" so
    experiments can blend two classes' embeddings (``experiments.class_interpolation``)."""
    x = layers.Embedding(n_classes, embedding_dim, name="label_embedding")(labels)
    x = layers.Dense(height * width, use_bias=use_bias, kernel_initializer=kernel_initializer)(x)
    return layers.Reshape((height, width, 1))(x)


def label_input() -> keras.KerasTensor:
    # Shape (1,) as in report 004; the GAN reshapes (n,) labels to (n, 1).
    return keras.Input(shape=(1,), dtype="int32", name="label")


def checked_n_classes(n_classes) -> int:
    if not isinstance(n_classes, int) or n_classes < 2:
        raise ValueError(f"n_classes must be an integer of at least 2, got {n_classes!r}.")
    return n_classes


def conditional_dcgan_generator(
    latent_dim: int = 100,
    image_shape=(28, 28, 1),
    n_classes: int = 10,
    embedding_dim: int = 50,
    filters=(128, 64),
    dense_filters: int = 128,
    output_kernel: int = 7,
    batch_norm: bool = False,
    kernel_initializer="glorot_uniform",
    name: str = "generator",
) -> keras.Model:
    """Report 004's conditional DCGAN generator, inputs [latent, label].

    The latent point goes through Dense(7*7*128, no bias) + LeakyReLU to a 7x7x128 map; the label
    through Embedding(10, 50) -> Dense(49, no bias) to a 7x7x1 map; the two are concatenated, then
    4x4 stride-2 Conv2DTranspose of 128 (LeakyReLU 0.3, Keras' default as in the report) and 64
    (LeakyReLU 0.2), then a 7x7 tanh Conv2D: 1,028,743 parameters for Fashion-MNIST.

    ``batch_norm=True`` puts a BatchNormalization after the Dense and after each transposed
    convolution, before the activation, where the DCGAN paper's guidelines and the TensorFlow
    tutorial's generator have it (+25,856 parameters, 12,928 of them non-trainable; docs/results.md
    measures what it changes). ``kernel_initializer`` applies to every Dense and convolution (the
    DCGAN paper's is ``RandomNormal(0, 0.02)``).
    """
    latent_dim = checked_latent_dim(latent_dim)
    n_classes = checked_n_classes(n_classes)
    base_h, base_w = base_size(image_shape, len(filters))
    latent = keras.Input(shape=(latent_dim,), name="latent")
    labels = label_input()

    def normalised(x):
        return layers.BatchNormalization()(x) if batch_norm else x

    x = layers.Dense(base_h * base_w * dense_filters, use_bias=False, kernel_initializer=kernel_initializer)(latent)
    x = layers.LeakyReLU(negative_slope=0.3)(normalised(x))
    x = layers.Reshape((base_h, base_w, dense_filters))(x)
    label_channel = label_map(labels, n_classes, embedding_dim, base_h, base_w, use_bias=False,
                              kernel_initializer=kernel_initializer)
    x = layers.Concatenate()([x, label_channel])
    for index, count in enumerate(filters):
        x = layers.Conv2DTranspose(count, 4, strides=2, padding="same", kernel_initializer=kernel_initializer)(x)
        x = layers.LeakyReLU(negative_slope=0.3 if index == 0 else LEAKY_SLOPE)(normalised(x))
    images = layers.Conv2D(image_shape[2], output_kernel, padding="same", activation="tanh",
                           kernel_initializer=kernel_initializer)(x)
    return keras.Model([latent, labels], images, name=name)


DISCRIMINATOR_OUTPUTS = ("logit", "tanh")


def conditional_dcgan_discriminator(
    image_shape=(28, 28, 1),
    n_classes: int = 10,
    embedding_dim: int = 50,
    filters=(128, 128),
    dropout: float = 0.3,
    output: str = "logit",
    input_noise: float = 0.0,
    kernel_initializer="glorot_uniform",
    name: str = "discriminator",
) -> keras.Model:
    """Report 004's conditional DCGAN discriminator, inputs [image, label].

    The label becomes a full-size channel (Embedding(10, 50) -> Dense(28*28) -> 28x28x1) beside
    the image; then 3x3 stride-2 convs of 128 and 128 with LeakyReLU 0.3, Flatten, dropout 0.3 and
    Dense(1): 196,773 parameters for Fashion-MNIST.

    ``output="logit"`` (the default) returns the raw score, which the loss turns into a
    probability with a sigmoid. ``output="tanh"`` reproduces the report's ``Dense(1,
    activation="tanh")``; the GAN then reads tanh's (-1, 1) as a logit, so the discriminator can
    never be more than sigmoid(1) = 73% sure (notebook 10 shows what that does).

    ``input_noise`` adds Gaussian noise of that standard deviation to the images in training only
    (instance noise: Sønderby et al. 2017, Arjovsky & Bottou 2017), so real and fake overlap and
    the discriminator cannot separate them perfectly. ``kernel_initializer`` as in the generator.
    """
    if output not in DISCRIMINATOR_OUTPUTS:
        raise ValueError(f"Unknown discriminator output {output!r}; accepted are {list(DISCRIMINATOR_OUTPUTS)}.")
    n_classes = checked_n_classes(n_classes)
    height, width = image_shape[0], image_shape[1]
    images = keras.Input(shape=tuple(image_shape), name="image")
    labels = label_input()
    x = layers.GaussianNoise(input_noise)(images) if input_noise else images
    x = layers.Concatenate()([x, label_map(labels, n_classes, embedding_dim, height, width,
                                            kernel_initializer=kernel_initializer)])
    for count in filters:
        x = layers.Conv2D(count, 3, strides=2, padding="same", kernel_initializer=kernel_initializer)(x)
        x = layers.LeakyReLU(negative_slope=0.3)(x)
    x = layers.Flatten()(x)
    if dropout:
        x = layers.Dropout(dropout)(x)
    activation = "tanh" if output == "tanh" else None
    score = layers.Dense(1, activation=activation, name="logit", dtype="float32", kernel_initializer=kernel_initializer)(x)
    return keras.Model([images, labels], score, name=name)


def acgan_generator(
    latent_dim: int = 100, image_shape=(32, 32, 3), n_classes: int = 10, embedding_dim: int = 50,
    filters: int = 128, dense_filters: int = 256, upsamplings: int = 3, name: str = "generator",
) -> keras.Model:
    """An ACGAN generator, inputs [latent, label]: report 002's CIFAR-10 generator (dense
    4x4x256, three 4x4 stride-2 Conv2DTranspose of 128 with LeakyReLU 0.2, a 3x3 tanh Conv2D)
    with report 004's label path, an Embedding(10, 50) -> Dense(16) -> 4x4x1 channel concatenated
    with the 4x4x256 map. Report 003 describes the ACGAN but not its layers. ``upsamplings=2``
    fits 28x28 images."""
    latent_dim = checked_latent_dim(latent_dim)
    n_classes = checked_n_classes(n_classes)
    base_h, base_w = base_size(image_shape, upsamplings)
    latent = keras.Input(shape=(latent_dim,), name="latent")
    labels = label_input()
    x = layers.Dense(base_h * base_w * dense_filters)(latent)
    x = layers.LeakyReLU(negative_slope=LEAKY_SLOPE)(x)
    x = layers.Reshape((base_h, base_w, dense_filters))(x)
    x = layers.Concatenate()([x, label_map(labels, n_classes, embedding_dim, base_h, base_w)])
    for _ in range(upsamplings):
        x = layers.Conv2DTranspose(filters, 4, strides=2, padding="same")(x)
        x = layers.LeakyReLU(negative_slope=LEAKY_SLOPE)(x)
    images = layers.Conv2D(image_shape[2], 3, padding="same", activation="tanh")(x)
    return keras.Model([latent, labels], images, name=name)


def acgan_discriminator(
    image_shape=(32, 32, 3), n_classes: int = 10, filters=(64, 128, 128, 256), dropout: float = 0.4,
    name: str = "discriminator",
) -> keras.Model:
    """An ACGAN discriminator: report 002's CIFAR-10 conv stack (64 at stride 1, then 128, 128,
    256 at stride 2, LeakyReLU 0.2, dropout 0.4) shared by two heads, a real/fake ``logit``
    (Dense(1)) and ``class_logits`` (Dense(n_classes)), both without activation."""
    n_classes = checked_n_classes(n_classes)
    images = keras.Input(shape=tuple(image_shape), name="image")
    x = images
    for index, count in enumerate(filters):
        x = layers.Conv2D(count, 3, strides=1 if index == 0 else 2, padding="same")(x)
        x = layers.LeakyReLU(negative_slope=LEAKY_SLOPE)(x)
    x = layers.Flatten()(x)
    if dropout:
        x = layers.Dropout(dropout)(x)
    source = layers.Dense(1, name="logit", dtype="float32")(x)
    classes = layers.Dense(n_classes, name="class_logits", dtype="float32")(x)
    return keras.Model(images, [source, classes], name=name)


_MOVED = {"architectures": ("ARCHITECTURES", "Architecture", "architecture", "build_gan_models", "check_param_counts"),
          "discriminators": ("MinibatchStdDev", "spectral_normalized", "with_minibatch_std"),
          "budget": ("forward_flops",)}


__getattr__ = names.forwarding(__name__, _MOVED)
