"""The modern GAN recipe on real MNIST digits, offline: the tutorial DCGAN, then each cumulative
ingredient of ``gan_utils.recipes.CUMULATIVE`` (hinge + spectral norm, TTUR, weight average, R1,
DiffAugment), then ``recipes.BEYOND`` (ingredients added to the DCGAN itself), at the same CPU
wall-clock budget per run, over several seeds.

    python benchmarks/modern_recipe.py [--minutes 20 | --steps N] [--every 250] [--seeds 3] [--only dcgan,ttur] [--plot PATH]
                                       [--runs benchmarks/modern_recipe_runs.json]

Data: ``mnist_5k`` (4,000 train / 1,000 test real digits), batch 32, the tutorial DCGAN's networks
(``dcgan_tutorial``). Each run trains for ``--minutes`` of training time (scoring excluded from
the clock) and is scored every ``--every`` generator steps: the Frechet classifier distance (FCD)
in the cached ``mnist_5k`` classifier's features between the 1,000 test digits and ``--samples``
generated ones, beside the real-vs-real floor (the test digits against as many real train
digits). At the end, the class balance: the share of each digit among 1,000 samples judged by the
same classifier, largest over smallest, beside the same ratio for 1,000 real train digits.
Targets (issue 15), each printed with its figure:

* the best recipe's mean FCD within 3x the floor, in at most 20 minutes of training on 2 CPU cores;
* its class balance within 1.5;
* its mean FCD better than the DCGAN's by more than the two spreads (standard deviations) combined.

Writes the learning curves of every stored run (mean over seeds, band from the lowest to the highest
seed, against generator steps) to ``--plot``.

At 20 minutes per run the whole benchmark takes 9 hours of CPU (9 recipes x 3 seeds). Every
finished run is kept in ``--runs`` (JSON, written atomically after each run, keyed by recipe, seed
and protocol), and a later call skips the runs it finds there: the benchmark can be run a few
recipes at a time (``--only``) and picked up after an interruption. The table lists every recipe
asked for; one whose seeds are not all done says how many are, and the targets wait for them.

A run is deterministic in its steps (same seed, same machine): ``--steps N`` trains each run for
exactly N generator steps instead of the clock, which replays a stored run, for example to draw
the sample grid of a run stored before the grids were written:
``--steps 9500 --seeds 1 --only dcgan --runs /tmp/replay.json`` ends at the stored FCD of the DCGAN's
seed 0 and writes its grid.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import imageio.v3 as iio  # noqa: E402
import numpy as np  # noqa: E402

from gan_utils import data, files, metrics, recipes, runner, viz  # noqa: E402

DATASET = "mnist_5k"
ARCHITECTURE = "dcgan_tutorial"
BATCH = 32


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=20.0, help="training time per run")
    parser.add_argument("--steps", type=int, default=None,
                        help="train each run for this many generator steps instead of --minutes (a multiple of "
                             "--every): a run is deterministic in its steps, so this replays a stored run exactly")
    parser.add_argument("--every", type=int, default=250, help="generator steps between scores")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--samples", type=int, default=1000, help="generated images per score")
    parser.add_argument("--only", default=",".join(recipes.RECIPES), help="comma-separated recipe names")
    parser.add_argument("--plot", default="benchmarks/modern_recipe.png")
    parser.add_argument("--samples-dir", default="benchmarks/modern_recipe_samples",
                        help="a grid of each run's final samples (64 digits) is written here")
    parser.add_argument("--runs", default="benchmarks/modern_recipe_runs.json",
                        help="finished runs, kept between calls (JSON)")
    args = parser.parse_args(argv)
    args.only = [recipes.recipe(name).name for name in args.only.split(",")]
    if args.minutes <= 0 or args.every < 1 or args.seeds < 1 or args.samples < 2:
        parser.error("--minutes, --every, --seeds and --samples must be positive (--samples at least 2)")
    if args.steps is not None and (args.steps < 1 or args.steps % args.every):
        parser.error(f"--steps must be a positive multiple of --every ({args.every}), got {args.steps}")
    return args


def train_and_score(recipe, seed, args, images, real_features, extractor):
    """One run: (curve of (training seconds, steps, FCD), final class-balance ratio, shares)."""
    import keras

    keras.utils.set_random_seed(seed)
    gan = runner.build_gan(dataclasses.replace(recipe, dataset="mnist_5k", architecture=ARCHITECTURE, seed=seed))
    pipeline = data.make_dataset(images, batch_size=BATCH, seed=seed).repeat()
    clock, steps, curve = 0.0, 0, []
    while (steps < args.steps) if args.steps else (clock < args.minutes * 60):
        started = time.perf_counter()
        gan.fit(pipeline, epochs=1, steps_per_epoch=args.every, verbose=0)
        clock += time.perf_counter() - started
        steps += args.every
        fake = extractor.features(gan.sample(args.samples, seed=seed + 100))
        curve.append((clock, steps, metrics.frechet_distance(real_features, fake)))
        print(f"  {recipe.name}, seed {seed}: {clock / 60:.1f} min, step {steps} ({budget(args)}), "
              f"FCD {curve[-1][2]:.2f}", file=sys.stderr, flush=True)
    balance = metrics.class_balance(gan.sample(1000, seed=seed + 200), DATASET, "tanh", smoke=False)
    grid = viz.image_grid(gan.sample(64, seed=seed + 300), ncols=8, value_range=(-1.0, 1.0))
    os.makedirs(args.samples_dir, exist_ok=True)
    with files.atomic_path(os.path.join(args.samples_dir, f"{recipe.name}_seed{seed}.png")) as temporary:
        iio.imwrite(temporary, viz.upscale(grid, 2), extension=".png")
    return curve, balance["ratio"], balance["shares"]


def run_key(name: str, seed: int, args) -> str:
    """A stored run's key: the recipe, the seed and everything of the protocol that changes a run."""
    return f"{name}/seed {seed}/{protocol(args)}"


def protocol(args) -> str:
    """The part of a run's key that every run of one protocol shares."""
    return f"{budget(args)}/{scoring(args)}"


def scoring(args) -> str:
    """How a run is scored, the part of the protocol that runs of any length can share."""
    return f"every {args.every}/{args.samples} samples"


def budget(args, spelling: str = "key") -> str:
    """A run's length (--steps if given, else --minutes) as a stored run's key spells it ("20 min"),
    as the command-line option ("--minutes 20") or in words ("20 minutes of training")."""
    spellings = {"key": (f"{args.steps} steps", f"{args.minutes:g} min"),
                 "option": (f"--steps {args.steps}", f"--minutes {args.minutes:g}"),
                 "words": (f"{args.steps} generator steps", f"{args.minutes:g} minutes of training")}
    return spellings[spelling][0 if args.steps else 1]


def plotted_runs(stored: dict, args) -> dict:
    """Every recipe's stored curves for the plot, whatever --only and --seeds name: those scored
    every --every steps on --samples samples, from the run length (minutes or steps) with the most
    seeds, this call's on a tie. Runs of different lengths meet on the plot's axis, generator steps,
    which unlike minutes mean the same on every host. {name: (run length, [curve, ...])}."""
    lengths: dict = {}
    for key, run in sorted(stored.items()):
        name, _seed, length, *rest = key.split("/")
        if "/".join(rest) == scoring(args):
            lengths.setdefault(name, {}).setdefault(length, []).append(run["curve"])
    return {name: max(lengths[name].items(), key=lambda item: (len(item[1]), item[0] == budget(args)))
            for name in recipes.RECIPES if name in lengths}


def load_runs(path) -> dict:
    if not os.path.exists(path):
        return {}
    try:
        with open(path) as file:
            return json.load(file)
    except json.JSONDecodeError as error:
        raise SystemExit(f"{path} is not valid JSON ({error}); move it away to start the runs again.") from None


def save_runs(path, runs: dict):
    with files.atomic_path(path) as temporary:
        temporary.write_text(json.dumps(runs, indent=1))


def mean_spread(values) -> str:
    values = np.asarray(values, dtype=float)
    return f"{values.mean():.2f} ± {values.std():.2f}"


def main(argv=None):
    args = parse_args(argv)
    images, _ = data.load_dataset(DATASET, "train", "tanh", smoke=False)
    test_images, _ = data.load_dataset(DATASET, "test", "tanh", smoke=False)
    extractor = metrics.feature_extractor("classifier", DATASET, "tanh", smoke=False)
    real_features = extractor.features(test_images)
    n_floor = min(args.samples, len(images))
    floor = metrics.frechet_distance(real_features, extractor.features(images[:n_floor]))
    # The balance target's yardstick: real digits judged by the same classifier are not exactly even
    # either (1,000 of them are a sample, and the classifier errs on a few).
    real_balance = metrics.class_balance(images[:1000], DATASET, "tanh", smoke=False)["ratio"]
    stored = load_runs(args.runs)
    results = {}
    for name in args.only:
        recipe = recipes.recipe(name)
        for seed in range(args.seeds):
            key = run_key(name, seed, args)
            if key in stored:
                print(f"{key}: found in {args.runs}", file=sys.stderr)
                continue
            started = time.perf_counter()
            curve, ratio, shares = train_and_score(recipe, seed, args, images, real_features, extractor)
            stored[key] = {"curve": curve, "balance": ratio, "shares": list(map(float, shares)),
                           "date": datetime.date.today().isoformat(), "machine": f"{platform.machine()}, "
                           f"{os.cpu_count()} CPU cores", "floor": floor}
            save_runs(args.runs, stored)
            print(f"{key}: done in {(time.perf_counter() - started) / 60:.1f} min, FCD {curve[-1][2]:.2f}",
                  flush=True, file=sys.stderr)
        results[name] = [(stored[key]["curve"], stored[key]["balance"]) for key in
                         (run_key(name, seed, args) for seed in range(args.seeds)) if key in stored]

    print(f"### The modern recipe on real digits ({datetime.date.today()}, {platform.machine()}, "
          f"{os.cpu_count()} CPU cores)\n")
    only = "" if args.only == list(recipes.RECIPES) else f" --only {','.join(args.only)}"
    print(f"`python benchmarks/modern_recipe.py {budget(args, 'option')} --every {args.every} --seeds {args.seeds} "
          f"--samples {args.samples}{only}`. Data: {DATASET} ({len(images)} train digits), batch {BATCH}, the "
          f"{ARCHITECTURE} networks; {budget(args, 'words')} per run (scoring excluded); FCD: "
          f"{DATASET} classifier features, {len(test_images)} test digits vs {args.samples} generated ones; "
          f"real-vs-real floor {floor:.3f} ({n_floor} train digits); class balance: the largest over the smallest "
          f"share of a digit among 1,000 samples (1,000 real train digits: {real_balance:.2f}); "
          f"mean ± standard deviation over {args.seeds} seeds.\n")
    print("| recipe | adds | seeds | steps in the budget | FCD | x floor | class balance |")
    print("|---|---|---|---|---|---|---|")
    finals = {}
    for name, runs in results.items():
        if len(runs) < args.seeds:
            print(f"| {name} | {recipes.recipe(name).note} | {len(runs)} of {args.seeds} done | | | | |")
            continue
        fcd = [run[0][-1][2] for run in runs]
        balance = [run[1] for run in runs]
        minutes = max(run[0][-1][0] for run in runs) / 60  # the longest run's training time
        finals[name] = (np.mean(fcd), np.std(fcd), np.mean(balance), minutes)
        steps = [run[0][-1][1] for run in runs]
        print(f"| {name} | {recipes.recipe(name).note} | {len(runs)} | {min(steps)}-{max(steps)} | {mean_spread(fcd)} | "
              f"{np.mean(fcd) / floor:.1f}x | {mean_spread(balance)} |")
    plot(plotted_runs(stored, args), floor, args.plot)
    if len(finals) < len(results):
        print(f"\nTargets: waiting for every seed of {', '.join(n for n in results if n not in finals)} "
              f"(run the command again; finished runs are kept in `{args.runs}`). Learning curves so far: `{args.plot}`.")
        return
    best = min(finals, key=lambda name: finals[name][0])
    mean, spread, balance, minutes = finals[best]
    measured = "" if len(results) == len(recipes.RECIPES) else f" of the {len(results)} measured here"
    print(f"\nBest recipe{measured}: **{best}**.")
    verdict = lambda ok: "**met**" if ok else "**not met**"  # noqa: E731
    # The clock of a --steps run is measured, not set: the target needs every run within 20 minutes.
    within = mean <= 3 * floor and (args.minutes if not args.steps else minutes) <= 20
    print(f"* within 3x the floor in at most 20 minutes ({budget(args)}, longest run {minutes:.1f} min): "
          f"{mean / floor:.1f}x, {verdict(within)}")
    print(f"* class balance within 1.5: {balance:.2f}, {verdict(balance <= 1.5)}")
    if best == "dcgan":
        print("* better than the DCGAN by more than both spreads: the DCGAN itself is the best here, **not met**")
    elif "dcgan" in finals:
        base_mean, base_spread = finals["dcgan"][:2]
        gap = base_mean - mean
        print(f"* better than the DCGAN by more than both spreads: {gap:.2f} vs {base_spread + spread:.2f}, "
              f"{verdict(gap > base_spread + spread)}")
    print(f"\nLearning curves: `{args.plot}`. Each run's final samples: `{args.samples_dir}/<recipe>_seed<N>.png`.")


def plot(results, floor, path):
    """FCD against generator steps: each recipe's mean over its seeds, with a band from the lowest
    to the highest seed (``results`` as ``plotted_runs`` returns it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(8, 4.5))
    for name, (length, curves) in results.items():
        points = min(len(curve) for curve in curves)  # runs timed in minutes end at different steps
        steps = [point[1] for point in curves[0][:points]]
        values = np.array([[point[2] for point in curve[:points]] for curve in curves])
        seeds = f"{len(curves)} seed{'s' if len(curves) > 1 else ''}"
        ax.plot(steps, values.mean(axis=0), label=f"{name} ({seeds}, {length})")
        ax.fill_between(steps, values.min(axis=0), values.max(axis=0), alpha=0.2)
    ax.axhline(3 * floor, color="k", ls=":", label="3x the real-vs-real floor")
    ax.set_yscale("log")
    ax.set_xlabel("generator steps (batch 32)")
    ax.set_ylabel("Frechet classifier distance")
    ax.legend(fontsize=7, ncol=2)
    figure.tight_layout()
    with files.atomic_path(path) as temporary:
        figure.savefig(temporary, format="png", dpi=100)
    plt.close(figure)


if __name__ == "__main__":
    main()
