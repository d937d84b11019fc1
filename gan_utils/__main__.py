"""Command line: ``python -m gan_utils train NAME [...]`` and ``python -m gan_utils list``.

    python -m gan_utils list
    python -m gan_utils train dcgan_mnist_5k      # the demo: real MNIST digits, offline, a few CPU minutes
    # Interrupted? Run the same command again: it resumes from its run folder's backup.
    GAN_UTILS_SMOKE=1 python -m gan_utils train keras_gan_mnist --gif-dir runs/smoke-gifs
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from gan_utils.smoke import SMOKE_ENV_VAR, banner, smoke_mode


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gan_utils", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the training configurations")
    train = commands.add_parser("train", help="train configurations and write their GIFs")
    train.add_argument("names", nargs="+", metavar="NAME", help="configuration name(s), or 'all'")
    train.add_argument("--run-dir", default=None,
                       help="folder for the runs' frames, plots and summaries, one subfolder per configuration "
                            "(default: the notebooks' run folders, $RUN_ROOT/<notebook>/<configuration>)")
    train.add_argument(
        "--gif-dir",
        default=None,
        help="folder for NAME.gif and NAME.png (default: gifs/, or runs/smoke-gifs/ in smoke mode)",
    )
    train.add_argument("--smoke", action="store_true", help=f"smoke mode (same as {SMOKE_ENV_VAR}=1)")
    train.add_argument("--epochs", type=int, default=None, help="override the configuration's epochs")
    train.add_argument("--no-score", action="store_true",
                       help="skip the final score (Frechet classifier distance against held-out images)")
    return parser


@contextlib.contextmanager
def _native_stderr_hidden():
    """TensorFlow's C++ start-up lines (absl's "All log messages before absl::InitializeLog() is
    called..." and "Could not find cuda drivers" on a CPU) ignore TF_CPP_MIN_LOG_LEVEL: file
    descriptor 2 points at /dev/null while TensorFlow loads, and a Python error still shows."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    with _native_stderr_hidden():  # imported late: TensorFlow takes seconds to load
        import keras

        from gan_utils import configurations, runner

        keras.ops.zeros(1)  # the first operation loads the rest of TensorFlow's native libraries

    if args.command == "list":
        name_width = max(map(len, configurations.CONFIGS))
        architecture_width = max(len(c.architecture) for c in configurations.CONFIGS.values())
        for name, config in configurations.CONFIGS.items():
            print(f"{name:{name_width}s}  {config.dataset:14s} {config.architecture:{architecture_width}s}  {config.notebook}")
        return 0

    if args.smoke:
        os.environ[SMOKE_ENV_VAR] = "1"
    smoke = smoke_mode()
    names = list(configurations.CONFIGS) if args.names == ["all"] else args.names
    try:
        selected = [configurations.get_config(name) for name in names]
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    gif_dir = args.gif_dir or ("runs/smoke-gifs" if smoke else "gifs")
    print(banner())
    for config in selected:
        print(f"== {config.name}: {config.dataset}, {config.architecture} ({config.notebook})")
        run_dir = f"{args.run_dir}/{config.name}" if args.run_dir else runner.run_folder(config, smoke)
        summary = runner.train(config, run_dir, gif_dir, smoke=smoke, epochs=args.epochs,
                                score=not args.no_score).summary
        accuracy = summary["test_accuracy"]
        if accuracy:
            score = f"discriminator accuracy on held-out real {accuracy['real']:.0%}, on fake {accuracy['fake']:.0%}"
        else:
            score = f"critic's Wasserstein estimate on held-out data {summary['test_metrics']['wasserstein']:.3f}"
        print(
            f"{config.name}: {summary['epochs_completed']} epochs = {summary['steps_completed']} steps "
            f"({summary['seconds_this_run']:.0f} s of training in this run), {score}; wrote "
            f"{summary['outputs'].get('gif')} and {summary['outputs'].get('grid')}"
        )
        # The final score (runner.train(score=True)) was printed with its protocol above.
    return 0


if __name__ == "__main__":
    sys.exit(main())
