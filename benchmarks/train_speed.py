"""Training speed of gan_utils.GAN against the reports' own loop, as ratios measured in one process.

    python benchmarks/train_speed.py [--steps 15] [--batch 256] [--repeats 2]

Three loops train report 001's architecture (generator 1,164,289 / discriminator 40,705 parameters)
on random 28x28 images; speed does not depend on the pixels:

* ``reports``: the reports' Keras 2 recipe, `discriminator.train_on_batch` on 128 real + 128 fake
  images, then `combined.train_on_batch` on 256 latent points (the frozen-discriminator model);
* ``tf.function``: a hand-written tf.function step doing gan_utils' work (the TensorFlow
  tutorial's style), with no Keras `fit` around it;
* ``gan_utils``: `GAN.fit`, 256 real + 256 generated images for the discriminator, 256 for the
  generator.

Both the reports' loop and ours take 234 steps per MNIST epoch at batch 256, so the steps/s ratio is
the ratio of epoch times a student sees. Timings on a shared CPU vary by 30% from run to run; only
ratios within one run mean anything. Each loop is timed over ``--repeats`` rounds (for ``fit``,
epochs of one call) and its best round is kept.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from gan_utils import callbacks, data, losses, models, training  # noqa: E402

ARCHITECTURE = "keras_gan_report001"
LATENT_DIM = 100


def matmul_gflops(size: int = 2048, repeats: int = 10) -> float:
    """The machine's float32 matmul rate through TensorFlow: the ceiling for a training step."""
    a = tf.random.normal((size, size))
    b = tf.random.normal((size, size))
    matmul = tf.function(lambda x, y: tf.matmul(x, y))
    matmul(a, b).numpy()
    started = time.perf_counter()
    for _ in range(repeats):
        result = matmul(a, b)
    result.numpy()
    return 2 * size**3 * repeats / (time.perf_counter() - started) / 1e9


def reports_loop(images: np.ndarray, batch: int):
    """Reports 000/001/002's loop: two train_on_batch calls per step on a frozen-D combined model."""
    generator, discriminator = models.build_gan_models(ARCHITECTURE, images.shape[1:], LATENT_DIM)
    # The reports' discriminator ends in a sigmoid and is compiled on its own.
    classifier = keras.Sequential([discriminator, keras.layers.Activation("sigmoid")])
    classifier.compile(loss="binary_crossentropy", optimizer=training.adam(), metrics=["accuracy"])
    half = batch // 2
    rng = np.random.default_rng(0)

    def discriminator_step():
        real = images[rng.integers(0, len(images), half)]
        fake = generator.predict(rng.standard_normal((half, LATENT_DIM)).astype("float32"), verbose=0)
        x = np.vstack([real, fake])
        y = np.vstack([np.ones((half, 1)), np.zeros((half, 1))]).astype("float32")
        classifier.train_on_batch(x, y)

    # Keras 3 reads `trainable` when a train function is first built: build the discriminator's
    # function while it is trainable, then freeze it for the combined model (Keras 2's semantics).
    discriminator_step()
    classifier.trainable = False
    combined = keras.Sequential([generator, classifier])
    combined.compile(loss="binary_crossentropy", optimizer=training.adam())
    ones = np.ones((batch, 1), "float32")

    def step():
        discriminator_step()
        combined.train_on_batch(rng.standard_normal((batch, LATENT_DIM)).astype("float32"), ones)

    return step


def tf_function_loop(images: np.ndarray, batch: int):
    """gan_utils' work per step, written as the TensorFlow DCGAN tutorial writes a train step."""
    generator, discriminator = models.build_gan_models(ARCHITECTURE, images.shape[1:], LATENT_DIM)
    d_optimizer, g_optimizer = training.adam(), training.adam()
    pipeline = iter(data.make_dataset(images, batch_size=batch, seed=0).repeat())

    @tf.function
    def train_step(real):
        fake = generator(tf.random.normal((batch, LATENT_DIM)), training=True)
        with tf.GradientTape() as tape:
            d_loss = losses.discriminator_loss(
                discriminator(real, training=True), discriminator(fake, training=True)
            )
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        d_optimizer.apply_gradients(zip(grads, discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            fake_logits = discriminator(generator(tf.random.normal((batch, LATENT_DIM)), training=True), training=True)
            g_loss = losses.non_saturating_generator_loss(fake_logits)
        grads = tape.gradient(g_loss, generator.trainable_variables)
        g_optimizer.apply_gradients(zip(grads, generator.trainable_variables))
        return d_loss, g_loss

    def step():
        train_step(next(pipeline))[0].numpy()

    return step


def gan_utils_fit_rate(images: np.ndarray, batch: int, steps: int, repeats: int) -> float:
    """Best steps/s over ``repeats`` timed epochs of one ``fit`` call (the first epoch traces)."""
    generator, discriminator = models.build_gan_models(ARCHITECTURE, images.shape[1:], LATENT_DIM)
    gan = training.GAN(generator, discriminator, seed=0)
    gan.compile()
    timer = callbacks.EpochTimer()
    pipeline = data.make_dataset(images, batch_size=batch, seed=0).repeat()
    gan.fit(pipeline, steps_per_epoch=steps, epochs=repeats + 1, verbose=0, callbacks=[timer])
    return steps / min(timer.seconds[1:])


def time_steps(step, steps: int) -> float:
    step()  # warm up: trace / first call
    started = time.perf_counter()
    for _ in range(steps):
        step()
    return steps / (time.perf_counter() - started)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=15, help="timed steps per loop and round")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=2, help="rounds; the best of each loop is kept")
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(0)
    images = np.random.default_rng(0).uniform(0, 1, (4 * args.batch, 28, 28, 1)).astype("float32")
    loops = {
        "reports (train_on_batch)": reports_loop(images, args.batch),
        "tf.function step": tf_function_loop(images, args.batch),
    }
    best = {name: 0.0 for name in loops}
    for _ in range(args.repeats):
        for name, step in loops.items():
            best[name] = max(best[name], time_steps(step, args.steps))
    best["gan_utils GAN.fit"] = gan_utils_fit_rate(images, args.batch, args.steps, args.repeats)

    ceiling = matmul_gflops()
    reference = best["reports (train_on_batch)"]
    print(f"# Training speed, report 001's architecture, batch {args.batch}")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, TensorFlow {tf.__version__}, "
          f"Keras {keras.__version__}; float32 matmul ceiling {ceiling:.0f} GFLOP/s")
    print(f"command: python benchmarks/train_speed.py --steps {args.steps} --batch {args.batch} --repeats {args.repeats}")
    print()
    # The reports' step reads half a batch of real images; ours reads a whole batch.
    real_per_step = {name: args.batch for name in best} | {"reports (train_on_batch)": args.batch // 2}
    print("| loop | steps/s | s per MNIST epoch (234 steps) | real images/s | epoch speed vs reports' loop |")
    print("|---|---|---|---|---|")
    for name, rate in best.items():
        print(f"| {name} | {rate:.2f} | {234 / rate:.0f} | {rate * real_per_step[name]:.0f} | {rate / reference:.2f}x |")


if __name__ == "__main__":
    main()
