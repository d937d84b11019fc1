"""Sample quality at a fixed wall-clock budget, offline, on scikit-learn's digits.

    python benchmarks/quality_digits.py [--seconds 60] [--samples 1000]

For report 001's Keras GAN and the tutorial's DCGAN, trains (1) gan_utils' GAN with ``fit`` and
(2) the reports' own ``train_on_batch`` loop on the same architecture, each for the same number of
seconds on this CPU, then scores both with the cached digits classifier's features (Frechet
classifier distance and KID against the digits test split), beside the real-vs-real floor (the
train split against the test split). Targets: gan_utils no worse than the reports' loop at the
same budget, and the DCGAN within 3x of the floor.
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="training budget per model")
    parser.add_argument("--samples", type=int, default=1000, help="generated samples scored per model")
    args = parser.parse_args(argv)

    rows = []
    floor = None
    for architecture, batch in ARCHITECTURES.items():
        value_range = models.architecture(architecture).output_activation
        train_images, _ = data.load_dataset("digits", "train", value_range, smoke=False)
        test_images, _ = data.load_dataset("digits", "test", value_range, smoke=False)
        extractor = metrics.classifier_extractor("digits", value_range, smoke=False)
        if floor is None:
            floor = metrics.score_images(test_images, train_images, extractor, kid_subset_size=300)
        for loop, train in (("gan_utils GAN.fit", train_gan_utils), ("reports' train_on_batch", train_reports_loop)):
            generate, steps = train(architecture, train_images, batch, args.seconds)
            scores = metrics.score_images(test_images, generate(args.samples), extractor, kid_subset_size=300)
            rows.append((architecture, loop, steps, scores))
            print(f"{architecture} / {loop}: {steps} steps, {metrics.format_scores(scores)}", file=sys.stderr)

    print(f"### Sample quality on the digits at {args.seconds:.0f} s of training per model ({datetime.date.today().isoformat()})")
    print()
    print(f"{os.cpu_count()} CPU cores. Features: {extractor.name}. Scored against the 360 test digits, "
          f"{args.samples} samples per model. Command: `python benchmarks/quality_digits.py --seconds "
          f"{args.seconds:.0f} --samples {args.samples}`.")
    print()
    print("| architecture | training loop | steps in budget | Frechet classifier distance | KID | distance / real-vs-real floor |")
    print("|---|---|---|---|---|---|")
    print(f"| real train split | (floor) | | {floor['frechet_distance']:.2f} | {floor['kid']:.4f} | 1.0x |")
    for architecture, loop, steps, scores in rows:
        print(f"| {architecture} | {loop} | {steps} | {scores['frechet_distance']:.2f} | "
              f"{scores['kid']:.4f} ± {scores['kid_std']:.4f} | {scores['frechet_distance'] / floor['frechet_distance']:.1f}x |")


if __name__ == "__main__":
    main()
