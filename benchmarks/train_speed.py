"""Training speed of gan_utils against the reports' own loops, for every architecture, as ratios
measured in one process, and the achieved GFLOP/s against the machine's float32 matmul rate.

    python benchmarks/train_speed.py [--steps 6] [--repeats 2] [--only NAME ...]

For each architecture, on random images of its shape (speed does not depend on the pixels):

* the reference: the reports' Keras 2 loop (``train_on_batch`` on half a batch of real and half of
  fake images, then the frozen-discriminator combined model on a whole batch) for the Keras-GAN
  and report 002 architectures, or the TensorFlow tutorial's ``@tf.function train_step`` for the
  tutorial's DCGANs;
* ``gan_utils``: ``GAN.fit`` with the collection's configuration (for WGAN: 5 critic steps; the
  conditional GANs train on random labels), once per update (``variants.UPDATES``): the default
  ``alternating`` step, which reuses the discriminator step's fakes; ``alternating_fresh_noise``,
  the step before it (one more generator forward pass); and ``simultaneous``, the tutorial's.

Also printed: where a DCGAN step's time goes (each part timed alone), and the tf.data pipeline's
own throughput for each dataset's shape, which must exceed the steps' by a wide margin.

Speed is in real images read per second (the reports' loop reads half a batch per step). GFLOP/s
count the multiply-adds of dense and convolution layers (``models.forward_flops``), a forward and
backward pass taken as 3 forward passes. Timings on a shared CPU vary by 30% from run to run; only
ratios within one run mean anything. The loops are timed in interleaved rounds (reference, then each
update, ``--repeats`` times) and each loop's best round is kept.
"""

from __future__ import annotations

import argparse
import dataclasses
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

from gan_utils import callbacks, configurations, data, losses, models, runner, training, variants  # noqa: E402

from reference_loops import make_reports_loop, make_tutorial_loop  # noqa: E402

UPDATES_MEASURED = ("alternating", "alternating_fresh_noise", "simultaneous")


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
        # The alternating step: G forward once (its fakes serve both updates; d_steps - 1 more for the
        # extra critic steps); D forward+backward on real and fake; then G and D forward+backward.
        "gan_utils": (d_steps - 1) * b * g + d_steps * b * 3 * d * 2 + b * (3 * g + 3 * d),
        # G predicts b/2 fakes; D trains on b images; the combined model trains on b latent points.
        "reports": b / 2 * g + 3 * d * b + 3 * (g + d) * b,
        # One forward of G and of D on real and fake, one backward for each network.
        "tutorial": b * (3 * g + 3 * d * 2),
    }


def time_steps(step, steps: int) -> float:
    started = time.perf_counter()
    for _ in range(steps):
        step()
    return steps / (time.perf_counter() - started)


def gan_utils_loop(case: Case, images: np.ndarray, update: str):
    """(step, d_steps): ``step(n)`` trains n generator steps with ``GAN.fit`` (one epoch of n steps)
    and returns their rate, timed by ``callbacks.EpochTimer``; the first call traces."""
    if case.config:
        config = dataclasses.replace(configurations.get_config(case.config), update=update)
        gan = runner.build_gan(config)
    else:
        gan = variants.make_gan(*models.build_gan_models(case.architecture, images.shape[1:]), update=update, seed=0)
        gan.compile()
    labels = np.arange(len(images)) % gan.n_classes if gan.conditional else None
    pipeline = data.make_dataset(images, labels, batch_size=case.batch, seed=0).repeat()

    def steps_per_second(steps):
        timer = callbacks.EpochTimer()
        gan.fit(pipeline, steps_per_epoch=steps, epochs=1, verbose=0, callbacks=[timer])
        return steps / timer.seconds[-1]

    return steps_per_second, gan.d_steps


def measure(case: Case, steps: int, repeats: int, ceiling: float) -> dict:
    """Every loop of one architecture, timed in interleaved rounds (reference, then each update, then
    again), so that a drift in the machine's speed during the run reaches all loops alike; each
    loop's best round is kept."""
    shape = models.architecture(case.architecture).expected_image_shape
    images = np.random.default_rng(0).uniform(-1, 1, (8 * case.batch, *shape)).astype("float32")
    row = {"case": case}
    loops = {}  # name -> (rate function of a step count, images read per step)
    if case.reference:
        make = make_reports_loop if case.reference == "reports" else make_tutorial_loop
        step, _ = make(case.architecture, images, case.batch)
        step()  # trace
        real_per_step = case.batch // 2 if case.reference == "reports" else case.batch
        loops["reference"] = (lambda n, _step=step: time_steps(_step, n), real_per_step)
    gan_steps = max(1, steps // 2) if case.config else steps
    for update in UPDATES_MEASURED:
        if update == "simultaneous" and case.config and configurations.get_config(case.config).d_steps > 1:
            continue  # the tutorial's update has one critic step
        rate, d_steps = gan_utils_loop(case, images, update)
        rate(1)  # trace
        loops[update] = (lambda n, _rate=rate: _rate(n), case.batch * d_steps)
        row["d_steps"] = d_steps
    best = {name: 0.0 for name in loops}
    rounds = []  # each round's rates: a ratio within one round shares the machine's state
    for _ in range(repeats):
        rounds.append({name: rate(steps if name == "reference" else gan_steps) for name, (rate, _) in loops.items()})
        best = {name: max(best[name], rounds[-1][name]) for name in loops}
    if case.reference and "simultaneous" in loops:
        scale = case.batch / loops["reference"][1]
        row["simultaneous_round_ratios"] = [r["simultaneous"] / r["reference"] * scale for r in rounds]
    for name, (_, images_per_step) in loops.items():
        row["reference_images" if name == "reference" else name] = best[name] * images_per_step
    if case.reference:
        row["reference_gflops"] = best["reference"] * step_flops(case)[case.reference] / 1e9
    row["gflops"] = best["alternating"] * step_flops(case, row["d_steps"])["gan_utils"] / 1e9
    row["ceiling_share"] = row["gflops"] / ceiling
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=6, help="timed steps per loop and round")
    parser.add_argument("--repeats", type=int, default=2, help="rounds; the best of each loop is kept")
    parser.add_argument("--only", nargs="*", default=None, help="architectures to measure")
    parser.add_argument("--no-breakdown", dest="breakdown", action="store_false",
                        help="skip the timing of a DCGAN step's parts")
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(0)
    cases = [c for c in CASES if not args.only or c.architecture in args.only]
    ceiling = matmul_gflops()
    rows = [measure(case, args.steps, args.repeats, ceiling) for case in cases]

    print(f"### Training speed ({datetime.date.today().isoformat()})")
    print()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, TensorFlow {tf.__version__}, "
          f"Keras {keras.__version__}; float32 matmul ceiling **{ceiling:.0f} GFLOP/s**. Real images read per "
          f"second (the reports' loop reads half a batch per step); ratios against the reference loop in the same "
          f"process. Command: `python benchmarks/train_speed.py --steps {args.steps} --repeats {args.repeats}"
          f"{' --only ' + ' '.join(args.only) if args.only else ''}{'' if args.breakdown else ' --no-breakdown'}`.")
    print()
    print("| architecture | batch | reference loop | reference img/s | alternating img/s | / reference | "
          "previous step (fresh noise) / reference | gain over the previous step | simultaneous / reference | "
          "GFLOP/s | share of matmul ceiling |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        case = row["case"]
        reference = {"reports": "reports' train_on_batch", "tutorial": "tutorial tf.function", "": "none"}[case.reference]
        ref = row.get("reference_images")

        def ratio(update, _ref=ref, _row=row):
            return f"{_row[update] / _ref:.2f}x" if _ref and update in _row else ""

        gain = f"{row['alternating'] / row['alternating_fresh_noise']:.2f}x"
        simultaneous = ratio("simultaneous") if ref else (f"({row['simultaneous']:.0f} img/s)" if "simultaneous" in row else "")
        print(f"| {case.architecture} | {case.batch} | {reference} | {f'{ref:.0f}' if ref else ''} | {row['alternating']:.0f} | "
              f"{ratio('alternating')} | {ratio('alternating_fresh_noise')} | {gain} | {simultaneous} | "
              f"{row['gflops']:.0f} | {row['ceiling_share']:.0%} |")
    print()
    targets = [row for row in rows if row["case"].reference == "tutorial"]
    for row in targets:
        value = row["simultaneous"] / row["reference_images"]
        per_round = np.array(row["simultaneous_round_ratios"])
        print(f"* Target, {row['case'].architecture}: the simultaneous update at least 1.0x the tutorial's step: "
              f"**{'met' if value >= 1.0 else 'not met'}** ({value:.2f}x, best round against best round; "
              f"round by round {np.median(per_round):.2f}x median, {per_round.min():.2f}-{per_round.max():.2f}x "
              f"over {len(per_round)} rounds).")
    print()
    if args.breakdown:
        print_breakdown(args.steps)
    print_pipelines(cases)


def print_breakdown(steps: int, batch: int = 256):
    """Where the tutorial DCGAN's alternating step spends its time: each part as its own tf.function."""
    generator, discriminator = models.build_gan_models("dcgan_tutorial")
    real = tf.random.normal((batch, 28, 28, 1))
    noise = tf.random.normal((batch, 100))
    d_optimizer, g_optimizer = training.adam(), training.adam()
    d_optimizer.build(discriminator.trainable_variables)
    g_optimizer.build(generator.trainable_variables)
    d_grads = [tf.zeros_like(v) for v in discriminator.trainable_variables]
    g_grads = [tf.zeros_like(v) for v in generator.trainable_variables]

    fake = generator(noise, training=True)

    def d_forward_backward():
        with tf.GradientTape() as tape:
            loss = losses.discriminator_loss(discriminator(real, training=True), discriminator(fake, training=True))
        return tape.gradient(loss, discriminator.trainable_variables)

    def g_forward_backward():
        with tf.GradientTape() as tape:
            loss = losses.non_saturating_generator_loss(discriminator(generator(noise, training=True), training=True))
        return tape.gradient(loss, generator.trainable_variables)

    def updates():
        d_optimizer.apply_gradients(zip(d_grads, discriminator.trainable_variables))
        g_optimizer.apply_gradients(zip(g_grads, generator.trainable_variables))

    parts = {
        "generator forward, a batch of fakes for the discriminator": lambda: generator(noise, training=True),
        "discriminator forward + backward on a real and a fake batch": d_forward_backward,
        "generator + discriminator forward + backward for the generator's loss": g_forward_backward,
        "both optimizer updates": updates,
    }
    timings = {}
    for name, part in parts.items():
        compiled = tf.function(part)
        compiled()  # trace
        started = time.perf_counter()
        for _ in range(steps):
            result = compiled()
        tf.nest.map_structure(lambda t: t.numpy() if hasattr(t, "numpy") else t, result)
        timings[name] = (time.perf_counter() - started) / steps * 1000
    total = sum(timings.values())
    print(f"### Where a DCGAN step's time goes (dcgan_tutorial, batch {batch}, each part timed alone)")
    print()
    print("| part | ms | share of the previous alternating step |")
    print("|---|---|---|")
    for name, ms in timings.items():
        print(f"| {name} | {ms:.1f} | {ms / total:.0%} |")
    print()
    print("The previous alternating step ran all four parts. The first is the repeated work: the generator's "
          "forward pass on noise whose inputs the generator's own update would draw again. The alternating step "
          "now makes one batch of fakes, trains the discriminator on it, and backpropagates the generator's loss "
          "through the same forward pass (`variants.UPDATES`).")
    print()


def print_pipelines(cases, batches: int = 50):
    """Images per second of data.make_dataset alone, for each dataset shape and batch measured."""
    print("### The input pipeline alone (data.make_dataset: shuffle, batch, prefetch)")
    print()
    print("| image shape | batch | pipeline img/s |")
    print("|---|---|---|")
    seen = set()
    for case in cases:
        shape = models.architecture(case.architecture).expected_image_shape
        if (shape, case.batch) in seen:
            continue
        seen.add((shape, case.batch))
        images = np.random.default_rng(0).uniform(-1, 1, (batches * case.batch, *shape)).astype("float32")
        pipeline = data.make_dataset(images, batch_size=case.batch, seed=0)
        for _ in pipeline.take(1):
            pass
        started = time.perf_counter()
        count = sum(int(batch.shape[0]) for batch in pipeline)
        print(f"| {shape} | {case.batch} | {count / (time.perf_counter() - started):,.0f} |")
    print()


if __name__ == "__main__":
    main()
