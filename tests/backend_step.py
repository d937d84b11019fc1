"""One training step of each GAN variant on the backend named by KERAS_BACKEND, from given weights
and inputs; run by tests/test_backends.py once per backend in its own interpreter (Keras picks its
backend at import).

    KERAS_BACKEND=jax python tests/backend_step.py OUT.npz [IN.npz]

Without IN.npz it writes the variants' starting weights and inputs (drawn with NumPy) to OUT.npz;
with IN.npz it loads them, trains two steps of each variant through ``GAN.fit`` and writes the logs
and every weight after them. The networks have no dropout and the noise is fixed, so the two
backends run the same arithmetic; the random draws of the penalties and augmentation differ
between backends and are left out here.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from gan_utils import data, models, modern, variants  # noqa: E402

LATENT, BATCH = 8, 4
VARIANTS = {
    # name: (networks, variants.make_gan options)
    "alternating": ("plain", {}),
    "alternating_fresh_noise": ("plain", {"update": "alternating_fresh_noise"}),
    "simultaneous": ("plain", {"update": "simultaneous"}),
    "wgan_clip_critic_steps": ("plain", {"loss": "wasserstein", "d_steps": 2, "weight_clip": 0.05}),
    "hinge_r1_ema": ("plain", {"loss": "hinge", "r1_weight": 0.5, "ema_decay": 0.9}),
    "conditional": ("conditional", {}),
    "acgan": ("acgan", {"update": "simultaneous"}),
}
# Variants whose steps draw random numbers (interpolation points, augmentation): the backends'
# generators differ, so only finite losses are compared.
RANDOM_VARIANTS = {
    "wgan_gp": ("plain", {"loss": "wasserstein", "gradient_penalty_weight": 10.0, "d_steps": 2}),
    "diffaugment": ("plain", {"augment": ("translation", "cutout"), "update": "simultaneous"}),
}


def networks(kind):
    if kind == "plain":
        return (models.keras_gan_generator(LATENT, (28, 28, 1), filters=8),
                models.keras_gan_discriminator((28, 28, 1), filters=(8, 8), dropout=0.0))
    if kind == "conditional":
        return (models.conditional_dcgan_generator(LATENT, (28, 28, 1), 10, embedding_dim=4, filters=(8, 8),
                                                   dense_filters=8),
                models.conditional_dcgan_discriminator((28, 28, 1), 10, embedding_dim=4, filters=(8, 8), dropout=0.0))
    return (models.acgan_generator(LATENT, (28, 28, 1), 10, embedding_dim=4, filters=8, dense_filters=8, upsamplings=2),
            models.acgan_discriminator((28, 28, 1), 10, filters=(8, 8, 8), dropout=0.0))


def build(name):
    kind, options = {**VARIANTS, **RANDOM_VARIANTS}[name]
    keras.utils.set_random_seed(0)
    gan = variants.make_gan(*networks(kind), seed=0, **options)
    # SGD: Adam's first steps are nearly sign(gradient), which turns a rounding difference in a
    # near-zero gradient into a whole learning-rate step.
    gan.compile(d_optimizer=keras.optimizers.SGD(0.05), g_optimizer=keras.optimizers.SGD(0.05))
    return gan


def main(out, source=None):
    rng = np.random.default_rng(0)
    if source is None:
        arrays = {"images": rng.uniform(-1, 1, (4 * BATCH, 28, 28, 1)).astype("float32"),
                  "labels": rng.integers(0, 10, 4 * BATCH).astype("int32"),
                  "noise": rng.standard_normal((BATCH, LATENT)).astype("float32")}
        for name in VARIANTS:
            gan = build(name)
            for index, variable in enumerate(gan.generator.weights + gan.discriminator.weights):
                value = keras.ops.convert_to_numpy(variable)  # batch-norm statistics stay 0 and 1
                arrays[f"{name}/start/{index}"] = rng.normal(0, 0.2, value.shape).astype(value.dtype) \
                    if variable.trainable else value
        np.savez(out, **arrays)
        return
    given = np.load(source)
    results = {}
    for name in VARIANTS:
        gan = build(name)
        variables = gan.generator.weights + gan.discriminator.weights
        for index, variable in enumerate(variables):
            variable.assign(given[f"{name}/start/{index}"])
        if isinstance(gan, modern.WeightAverage):
            gan.ema_generator.set_weights(gan.generator.get_weights())
        noise = keras.ops.convert_to_tensor(given["noise"])
        gan.sample_noise = lambda batch_size, _noise=noise: _noise  # the same noise on both backends
        labels = given["labels"] if gan.conditional else None
        pipeline = data.make_dataset(given["images"], labels, batch_size=BATCH, shuffle=False)
        history = gan.fit(pipeline, epochs=1, steps_per_epoch=2, verbose=0).history
        results.update({f"{name}/log/{key}": np.float64(values[-1]) for key, values in history.items()})
        weights = gan.generator.get_weights() + gan.discriminator.get_weights()
        if isinstance(gan, modern.WeightAverage):
            weights += gan.ema_generator.get_weights()
        results.update({f"{name}/weight/{index}": weight for index, weight in enumerate(weights)})
    for name in RANDOM_VARIANTS:
        gan = build(name)
        history = gan.fit(data.make_dataset(given["images"], batch_size=BATCH, shuffle=False), epochs=1,
                          steps_per_epoch=2, verbose=0).history
        results.update({f"random/{name}/log/{key}": np.float64(values[-1]) for key, values in history.items()})
    np.savez(out, **results)


if __name__ == "__main__":
    main(*sys.argv[1:])
