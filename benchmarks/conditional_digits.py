"""Does conditioning work? Class accuracy of conditional GANs on scikit-learn's digits, offline.

    python benchmarks/conditional_digits.py [--epochs 60] [--every 5] [--only NAME ...]

Trains report 004's conditional DCGAN (labels into both networks, 1,028,743 + 196,773 parameters)
and an ACGAN (report 003: a class head on the discriminator; report 002's layers at 28x28) on the
1,437 training digits upsampled to 28x28, batch 64, Adam 2e-4 / 0.5, both through gan_utils'
one training core. Every ``--every`` epochs, 100 images per requested class are labelled by the
separately trained digits classifier (``metrics.class_accuracy``); chance is 10%. Target: at
least 90% for the conditional DCGAN at the end of the run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

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
            judged = metrics.class_accuracy(self.model, "digits", "tanh", n_per_class=100, smoke=False, seed=1)
            self.points.append((epoch + 1, (epoch + 1) * self.params["steps"], seconds, judged["accuracy"]))
            self.classifier = judged["classifier"]


def run(name: str, images, labels, epochs: int, every: int):
    keras.utils.set_random_seed(0)
    gan = training.GAN(*build(name), seed=0)
    gan.compile()
    probe = ClassAccuracyEvery(every)
    gan.fit(data.make_dataset(images, labels, batch_size=BATCH, seed=0, n_classes=10), epochs=epochs,
            verbose=0, callbacks=[probe])
    return probe


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=60, help="epochs of 22 steps each")
    parser.add_argument("--every", type=int, default=5, help="epochs between class-accuracy checks")
    parser.add_argument("--only", nargs="*", default=None, choices=MODELS)
    args = parser.parse_args(argv)
    images, labels = data.load_dataset("digits", "train", "tanh", smoke=False)
    metrics.dataset_classifier("digits", smoke=False)  # trained once, outside the timings
    results = {name: run(name, images, labels, args.epochs, args.every) for name in (args.only or MODELS)}

    print(f"### Class accuracy of conditional GANs on the digits ({datetime.date.today().isoformat()})")
    print()
    classifier = next(iter(results.values())).classifier
    print(f"{os.cpu_count()} CPU cores. Judge: {classifier}; 100 generated images per requested class, chance 10%. "
          f"Batch {BATCH}, Adam 2e-4 / 0.5. Command: `python benchmarks/conditional_digits.py --epochs {args.epochs} "
          f"--every {args.every}`.")
    print()
    print("| model | " + " | ".join(f"step {step}" for _, step, _, _ in results[next(iter(results))].points) + " | seconds | target |")
    print("|---|" + "---|" * (len(results[next(iter(results))].points) + 2))
    for name, probe in results.items():
        final = probe.points[-1][3]
        target = (f"≥ {TARGET:.0%}: {'met' if final >= TARGET else 'NOT met'}"
                  if name == "conditional_dcgan_report004" else "")
        cells = " | ".join(f"{accuracy:.1%}" for *_, accuracy in probe.points)
        print(f"| {name} | {cells} | {probe.points[-1][2]:.0f} | {target} |")


if __name__ == "__main__":
    main()
