"""Training speed of gan_utils against the reports' own loops, for every architecture, as ratios
measured in one process, and the achieved GFLOP/s against the machine's float32 matmul rate.

    python benchmarks/train_speed.py [--steps 6] [--repeats 2] [--only NAME ...]

For each architecture, on random images of its shape (speed does not depend on the pixels):

* the reference: the reports' Keras 2 loop (``train_on_batch`` on half a batch of real and half of
  fake images, then the frozen-discriminator combined model on a whole batch) for the Keras-GAN
  and report 002 architectures, or the TensorFlow tutorial's ``@tf.function train_step`` for the
  tutorial's DCGANs;
* ``gan_utils``: ``GAN.fit`` with the collection's configuration (for WGAN: 5 critic steps; the
  conditional GANs train on random labels).

Speed is in real images read per second (the reports' loop reads half a batch per step). GFLOP/s
count the multiply-adds of dense and convolution layers (``models.forward_flops``), a forward and
backward pass taken as 3 forward passes. Timings on a shared CPU vary by 30% from run to run; only
ratios within one run mean anything. Each loop's best of ``--repeats`` rounds is kept.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from gan_utils import callbacks, configurations, data, models, runner, training  # noqa: E402

from reference_loops import make_reports_loop, make_tutorial_loop  # noqa: E402


@dataclass(frozen=True)
class Case:
    architecture: str
    batch: int
    reference: str  # "reports", "tutorial" or "" (none)
    config: str | None = None  # a configuration whose compile settings gan_utils uses


CASES = [
    Case("keras_gan_report001", 256, "reports"),
    Case("keras_gan_report000", 256, "reports"),
    Case("dcgan_tutorial", 256, "tutorial"),
    Case("dcgan_cifar10_report002", 128, "reports"),
    Case("dcgan_cifar10_report004", 128, "tutorial"),
    Case("wgan_cifar10", 64, "", config="wgan_gp_cifar10"),
    Case("conditional_dcgan_report004", 128, ""),
    Case("acgan_cifar10", 128, ""),
]


def matmul_gflops(size: int = 2048, repeats: int = 10) -> float:
    """The machine's float32 matmul rate through TensorFlow: the ceiling for a training step."""
    a, b = tf.random.normal((size, size)), tf.random.normal((size, size))
    matmul = tf.function(lambda x, y: tf.matmul(x, y))
    matmul(a, b).numpy()
    started = time.perf_counter()
    for _ in range(repeats):
        result = matmul(a, b)
    result.numpy()
    return 2 * size**3 * repeats / (time.perf_counter() - started) / 1e9


def step_flops(case: Case, d_steps: int = 1) -> dict:
    """FLOPs of one training step of each loop (forward + backward = 3 forward passes)."""
    shape = models.architecture(case.architecture).expected_image_shape
    generator, discriminator = models.build_gan_models(case.architecture, shape)
    g, d, b = models.forward_flops(generator), models.forward_flops(discriminator), case.batch
    return {
        # G forward for the fakes; D forward+backward on real and fake; G and D forward+backward.
        "gan_utils": d_steps * b * (g + 3 * d * 2) + b * (3 * g + 3 * d),
        # G predicts b/2 fakes; D trains on b images; the combined model trains on b latent points.
        "reports": b / 2 * g + 3 * d * b + 3 * (g + d) * b,
        # One forward of G and of D on real and fake, one backward for each network.
        "tutorial": b * (3 * g + 3 * d * 2),
    }


def time_steps(step, steps: int) -> float:
    step()  # warm up: trace / first call
    started = time.perf_counter()
    for _ in range(steps):
        step()
    return steps / (time.perf_counter() - started)


def gan_utils_rate(case: Case, images: np.ndarray, steps: int, repeats: int) -> tuple[float, int]:
    """Best steps/s over ``repeats`` timed epochs of one ``fit`` call (its first epoch traces)."""
    if case.config:
        gan = runner.build_gan(configurations.get_config(case.config))
    else:
        gan = training.GAN(*models.build_gan_models(case.architecture, images.shape[1:]), seed=0)
        gan.compile()
    timer = callbacks.EpochTimer()
    labels = np.arange(len(images)) % gan.n_classes if gan.conditional else None
    pipeline = data.make_dataset(images, labels, batch_size=case.batch, seed=0).repeat()
    gan.fit(pipeline, steps_per_epoch=steps, epochs=repeats + 1, verbose=0, callbacks=[timer])
    return steps / min(timer.seconds[1:]), gan.d_steps


def measure(case: Case, steps: int, repeats: int, ceiling: float) -> dict:
    shape = models.architecture(case.architecture).expected_image_shape
    images = np.random.default_rng(0).uniform(-1, 1, (8 * case.batch, *shape)).astype("float32")
    row = {"case": case}
    if case.reference:
        make = make_reports_loop if case.reference == "reports" else make_tutorial_loop
        step, _ = make(case.architecture, images, case.batch)
        rate = max(time_steps(step, steps) for _ in range(repeats))
        real_per_step = case.batch // 2 if case.reference == "reports" else case.batch
        row["reference_images"] = rate * real_per_step
        row["reference_gflops"] = rate * step_flops(case)[case.reference] / 1e9
    rate, d_steps = gan_utils_rate(case, images, max(1, steps // 2) if case.config else steps, repeats)
    row["images"] = rate * case.batch * d_steps
    row["gflops"] = rate * step_flops(case, d_steps)["gan_utils"] / 1e9
    row["ceiling_share"] = row["gflops"] / ceiling
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=6, help="timed steps per loop and round")
    parser.add_argument("--repeats", type=int, default=2, help="rounds; the best of each loop is kept")
    parser.add_argument("--only", nargs="*", default=None, help="architectures to measure")
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(0)
    cases = [c for c in CASES if not args.only or c.architecture in args.only]
    ceiling = matmul_gflops()
    rows = [measure(case, args.steps, args.repeats, ceiling) for case in cases]

    print(f"### Training speed ({datetime.date.today().isoformat()})")
    print()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, TensorFlow {tf.__version__}, "
          f"Keras {keras.__version__}; float32 matmul ceiling **{ceiling:.0f} GFLOP/s**. "
          f"Command: `python benchmarks/train_speed.py --steps {args.steps} --repeats {args.repeats}`.")
    print()
    print("| architecture | batch | reference loop | reference real img/s | gan_utils real img/s | gan_utils / reference "
          "| gan_utils GFLOP/s | share of matmul ceiling |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        case = row["case"]
        reference = {"reports": "reports' train_on_batch", "tutorial": "tutorial tf.function", "": "none"}[case.reference]
        if case.reference:
            ref, ratio = f"{row['reference_images']:.0f}", f"{row['images'] / row['reference_images']:.2f}x"
        else:
            ref, ratio = "", ""
        print(f"| {case.architecture} | {case.batch} | {reference} | {ref} | {row['images']:.0f} | {ratio} | "
              f"{row['gflops']:.0f} | {row['ceiling_share']:.0%} |")


if __name__ == "__main__":
    main()
