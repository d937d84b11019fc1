"""Helpers the tests share (imported as ``helpers``; fixtures stay in conftest.py)."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

# Tests train on part of the 4,000 offline train digits: 1,408 = 22 batches of 64 or 44 of 32, so a
# test's epochs stay short and its step count is fixed.
TEST_DIGITS = 1408


def tiny_gan_models(image_shape=(28, 28, 1), latent_dim=16):
    """Report 001's architecture at a quarter of the width: same code path, 16x fewer FLOPs."""
    from gan_utils import models

    generator = models.keras_gan_generator(latent_dim, image_shape, filters=32)
    discriminator = models.keras_gan_discriminator(image_shape, filters=(32, 32))
    return generator, discriminator


def random_images(n=8, shape=(28, 28, 1), seed=0):
    return np.random.default_rng(seed).uniform(0, 1, (n, *shape)).astype(np.float32)


def mixed_precision_step_error(update="alternating"):
    """How far one SGD step under ``mixed_float16`` (float16 compute, loss scaling) lands from the
    same step in float32, relative to the step's size: small if the loss scale is undone, about 1 or
    more if it is not or the step goes elsewhere. No dropout, so both steps draw the same numbers."""
    import keras

    from gan_utils import data, models, variants

    changes = []
    for policy in ("float32", "mixed_float16"):
        keras.mixed_precision.set_dtype_policy(policy)
        try:
            keras.utils.set_random_seed(0)
            gan = variants.make_gan(models.keras_gan_generator(16, (28, 28, 1), filters=32),
                                    models.keras_gan_discriminator((28, 28, 1), filters=(32, 32), dropout=0.0),
                                    update=update, seed=0)
            gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1))
            networks = gan.generator.weights + gan.discriminator.weights
            start = [keras.ops.convert_to_numpy(w) for w in networks]
            gan.fit(data.make_dataset(random_images(8), batch_size=8, shuffle=False), epochs=1, verbose=0)
            changes.append(np.concatenate([(keras.ops.convert_to_numpy(w) - s).ravel() for w, s in zip(networks, start)]))
        finally:
            keras.mixed_precision.set_dtype_policy("float32")
    full, half = changes
    return float(np.linalg.norm(half - full) / np.linalg.norm(full))


BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run_benchmark(script, *args, env_cache):
    """Run a benchmark script in full mode with this classifier cache; its stdout (its table)."""
    env = dict(os.environ, GAN_UTILS_CACHE=str(env_cache))
    env.pop("GAN_UTILS_SMOKE", None)
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args], capture_output=True, text=True, env=env, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


CONDITIONAL_LATENT = 16


def small_conditional_models(latent_dim=CONDITIONAL_LATENT):
    """Report 004's conditional DCGAN at a quarter of the width (the same code path), its first
    weights from seed 0 whatever ran before in this worker."""
    import keras

    from gan_utils import models

    keras.utils.set_random_seed(0)
    generator = models.conditional_dcgan_generator(
        latent_dim, (28, 28, 1), 10, embedding_dim=16, filters=(32, 16), dense_filters=32
    )
    discriminator = models.conditional_dcgan_discriminator((28, 28, 1), 10, embedding_dim=16, filters=(32, 32))
    return generator, discriminator


def small_acgan_models(latent_dim=CONDITIONAL_LATENT):
    """Report 003's ACGAN at a small width, on 28x28 digits, its first weights from seed 0."""
    import keras

    from gan_utils import models

    keras.utils.set_random_seed(0)
    generator = models.acgan_generator(
        latent_dim, (28, 28, 1), 10, embedding_dim=16, filters=32, dense_filters=32, upsamplings=2
    )
    discriminator = models.acgan_discriminator((28, 28, 1), 10, filters=(16, 32, 32), dropout=0.3)
    return generator, discriminator


def compiled(generator, discriminator, learning_rate=2e-4, **options):
    """A seeded GAN of these networks (the variant ``options`` name: ``variants.make_gan``) with Adam
    at one learning rate for both."""
    import keras

    from gan_utils import training, variants

    keras.utils.set_random_seed(0)
    gan = variants.make_gan(generator, discriminator, seed=0, **options)
    gan.compile(d_optimizer=training.adam(learning_rate), g_optimizer=training.adam(learning_rate))
    return gan
