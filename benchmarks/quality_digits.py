"""Sample quality on scikit-learn's digits, offline: at a fixed wall-clock budget, against known
perturbations of real images, and over a longer run.

    python benchmarks/quality_digits.py [--seconds 180] [--samples 1000] [--long-steps 8800]

Every number is a distance in the cached digits classifier's features (Frechet classifier distance
and KID) against the digits test split, next to the real-vs-real floor (the train split against
the test split). Three sections, each optional (``--sections``):

* ``budget``: for report 001's Keras GAN and the tutorial's DCGAN, trains (1) gan_utils' GAN with
  ``fit`` and (2) the reports' own ``train_on_batch`` loop on the same architecture, each for the
  same number of seconds on this CPU. Target: gan_utils no worse than the reports' loop.
* ``perturbations``: the distance of the real train split after small known changes (a one-pixel
  shift, 10% less brightness, ...), to show what a multiple of the floor means in pictures.
* ``convergence``: the DCGAN with ``fit`` for ``--long-steps`` steps with a cosine learning-rate
  decay, scored at checkpoints. Target: the DCGAN within 3x of the floor.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from gan_utils import data, metrics, models, training  # noqa: E402
from reference_loops import make_reports_loop  # noqa: E402

ARCHITECTURES = {"keras_gan_report001": 64, "dcgan_tutorial": 64}  # architecture -> batch size


class TimeBudget(keras.callbacks.Callback):
    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds
        self.steps = 0

    def on_train_begin(self, logs=None):
        self.started = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if time.perf_counter() - self.started >= self.seconds:
            self.model.stop_training = True


def train_gan_utils(architecture, images, batch, seconds):
    keras.utils.set_random_seed(0)
    gan = training.GAN(*models.build_gan_models(architecture), seed=0)
    gan.compile()
    budget = TimeBudget(seconds)
    gan.fit(data.make_dataset(images, batch_size=batch, seed=0), epochs=10_000, verbose=0, callbacks=[budget])
    return lambda n: gan.sample(n, seed=1), budget.steps


def train_reports_loop(architecture, images, batch, seconds):
    keras.utils.set_random_seed(0)
    step, generator = make_reports_loop(architecture, images, batch)
    started, steps = time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        step()
        steps += 1
    noise = training.latent_points
    return lambda n: generator.predict(noise(n, generator.input_shape[-1], seed=1), batch_size=256, verbose=0), steps


PERTURBATIONS = {
    # What each does to real images in [-1, 1] (tanh range).
    "Gaussian pixel noise, sd 0.1": lambda x, rng: x + rng.normal(0.0, 0.1, x.shape).astype("float32"),
    "shifted right by 1 pixel": lambda x, rng: np.roll(x, 1, axis=2),
    "brightness x0.9": lambda x, rng: (x + 1.0) * 0.9 - 1.0,
    "shifted right by 2 pixels": lambda x, rng: np.roll(x, 2, axis=2),
    "8x8 area-downsampled, upsampled again": lambda x, rng: tf.image.resize(
        tf.image.resize(x, (8, 8), method="area"), x.shape[1:3], method="bilinear").numpy(),
}
SECTIONS = ("budget", "perturbations", "convergence")
TARGET_RATIO = 3.0  # the DCGAN within 3x of the real-vs-real floor


class ScoreAtCheckpoints(keras.callbacks.Callback):
    """Scores the GAN's samples every ``every`` steps and stops training after ``steps``."""

    def __init__(self, score, steps: int, every: int):
        super().__init__()
        self.score, self.steps, self.every = score, steps, every
        self.step, self.rows = 0, []

    def on_train_begin(self, logs=None):
        self.started = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.step % self.every == 0 or self.step == self.steps:
            seconds = time.perf_counter() - self.started
            self.rows.append((self.step, seconds, self.score(self.model)))
            print(f"convergence: step {self.step}, {seconds:.0f} s, {metrics.format_scores(self.rows[-1][2])}",
                  file=sys.stderr)
        if self.step >= self.steps:
            self.model.stop_training = True


def train_to_convergence(images, batch, steps, checkpoints, schedule, score):
    """The DCGAN with GAN.fit for ``steps`` steps, Adam 2e-4 / 0.5 decayed to 0 along a cosine
    (``schedule="cosine"``) or kept constant, scored ``checkpoints`` times."""
    keras.utils.set_random_seed(0)
    gan = training.GAN(*models.build_gan_models("dcgan_tutorial"), seed=0)
    # A schedule is a stateless function of the step, so both optimizers can share it.
    rate = keras.optimizers.schedules.CosineDecay(2e-4, decay_steps=steps) if schedule == "cosine" else 2e-4
    gan.compile(d_optimizer=training.adam(rate), g_optimizer=training.adam(rate))
    callback = ScoreAtCheckpoints(score, steps, every=max(1, steps // checkpoints))
    gan.fit(data.make_dataset(images, batch_size=batch, seed=0), epochs=10_000, verbose=0, callbacks=[callback])
    return callback.rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=180.0, help="training budget per model (budget section)")
    parser.add_argument("--samples", type=int, default=1000, help="generated samples scored per model")
    parser.add_argument("--long-steps", type=int, default=8800, help="steps of the convergence run")
    parser.add_argument("--checkpoints", type=int, default=8, help="scores along the convergence run")
    parser.add_argument("--schedule", choices=("cosine", "constant"), default="cosine",
                        help="learning rate of the convergence run")
    parser.add_argument("--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    args = parser.parse_args(argv)
    if args.long_steps < 1 or args.checkpoints < 1 or args.samples < 2:
        parser.error(f"--long-steps ({args.long_steps}) and --checkpoints ({args.checkpoints}) must be at least 1 "
                     f"and --samples ({args.samples}) at least 2.")

    value_range = "tanh"
    train_images, _ = data.load_dataset("digits", "train", value_range, smoke=False)
    test_images, _ = data.load_dataset("digits", "test", value_range, smoke=False)
    extractor = metrics.classifier_extractor("digits", value_range, smoke=False)
    floor = metrics.score_images(test_images, train_images, extractor, kid_subset_size=300)

    def score(images):
        return metrics.score_images(test_images, images, extractor, kid_subset_size=300)

    def ratio(scores):
        return scores["frechet_distance"] / floor["frechet_distance"]

    today = datetime.date.today().isoformat()
    header = (f"{os.cpu_count()} CPU cores. Features: {extractor.name}. Scored against the 360 test digits, "
              f"{args.samples} generated samples per score.")
    floor_row = f"| real train split | (floor) | | {floor['frechet_distance']:.2f} | {floor['kid']:.4f} | 1.0x |"

    if "budget" in args.sections:
        rows = []
        for architecture, batch in ARCHITECTURES.items():
            # Each model trains and is scored in its own output range; the classifier sees [0, 1].
            own_range = models.architecture(architecture).output_activation
            images, _ = data.load_dataset("digits", "train", own_range, smoke=False)
            own_extractor = metrics.classifier_extractor("digits", own_range, smoke=False)
            own_test_images, _ = data.load_dataset("digits", "test", own_range, smoke=False)
            for loop, train in (("gan_utils GAN.fit", train_gan_utils), ("reports' train_on_batch", train_reports_loop)):
                generate, steps = train(architecture, images, batch, args.seconds)
                scores = metrics.score_images(own_test_images, generate(args.samples), own_extractor, kid_subset_size=300)
                rows.append((architecture, loop, steps, scores))
                print(f"{architecture} / {loop}: {steps} steps, {metrics.format_scores(scores)}", file=sys.stderr)
        print(f"### Sample quality on the digits at {args.seconds:.0f} s of training per model ({today})")
        print()
        print(f"{header} Command: `python benchmarks/quality_digits.py --sections budget --seconds "
              f"{args.seconds:.0f} --samples {args.samples}`.")
        print()
        print("| architecture | training loop | steps in budget | Frechet classifier distance | KID | distance / real-vs-real floor |")
        print("|---|---|---|---|---|---|")
        print(floor_row)
        for architecture, loop, steps, scores in rows:
            print(f"| {architecture} | {loop} | {steps} | {scores['frechet_distance']:.2f} | "
                  f"{scores['kid']:.4f} ± {scores['kid_std']:.4f} | {ratio(scores):.1f}x |")
        print()

    if "perturbations" in args.sections:
        rng = np.random.default_rng(0)
        print(f"### What a multiple of the floor looks like: real digits, slightly changed ({today})")
        print()
        print(f"{header.split(' Scored')[0]} The 1,437 real train digits, changed as named, scored against the "
              "360 test digits. Command: `python benchmarks/quality_digits.py --sections perturbations`.")
        print()
        print("| real train split, changed | Frechet classifier distance | KID | distance / real-vs-real floor |")
        print("|---|---|---|---|")
        print(f"| unchanged (floor) | {floor['frechet_distance']:.2f} | {floor['kid']:.4f} | 1.0x |")
        for name, change in PERTURBATIONS.items():
            scores = score(np.clip(change(train_images, rng), -1.0, 1.0))
            print(f"| {name} | {scores['frechet_distance']:.2f} | {scores['kid']:.4f} | {ratio(scores):.1f}x |")
        print()

    if "convergence" in args.sections:
        rows = train_to_convergence(train_images, ARCHITECTURES["dcgan_tutorial"], args.long_steps, args.checkpoints,
                                    args.schedule, lambda gan: score(gan.sample(args.samples, seed=1)))
        final = rows[-1][2]
        verdict = "met" if ratio(final) <= TARGET_RATIO else "not met"
        print(f"### The DCGAN over {args.long_steps} steps, {args.schedule} learning rate ({today})")
        print()
        print(f"{header} dcgan_tutorial with gan_utils GAN.fit, batch {ARCHITECTURES['dcgan_tutorial']}, "
              f"Adam 2e-4 / 0.5 ({'decayed to 0 along a cosine' if args.schedule == 'cosine' else 'constant'}). "
              f"Command: `python benchmarks/quality_digits.py --sections convergence --long-steps {args.long_steps} "
              f"--schedule {args.schedule}`.")
        print()
        print("| step | seconds | Frechet classifier distance | KID | distance / real-vs-real floor |")
        print("|---|---|---|---|---|")
        for step, seconds, scores in rows:
            print(f"| {step} | {seconds:.0f} | {scores['frechet_distance']:.2f} | "
                  f"{scores['kid']:.4f} ± {scores['kid_std']:.4f} | {ratio(scores):.1f}x |")
        print()
        print(f"Target: the DCGAN within {TARGET_RATIO:.0f}x of the floor ({TARGET_RATIO * floor['frechet_distance']:.2f}) "
              f"at the end of the run: **{verdict}** ({ratio(final):.1f}x).")


if __name__ == "__main__":
    main()
