"""Command line: ``python -m gan_utils train NAME [...]`` and ``python -m gan_utils list``.

    python -m gan_utils list
    python -m gan_utils train dcgan_digits                # the demo: offline, ~2 minutes on a CPU
    # Interrupted? Run the same command again: it resumes from runs/NAME/backup.
    GAN_UTILS_SMOKE=1 python -m gan_utils train keras_gan_mnist --gif-dir runs/smoke-gifs
"""

from __future__ import annotations

import argparse
import os
import sys

from gan_utils.config import SMOKE_ENV_VAR, banner, smoke_mode


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gan_utils", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the training configurations")
    train = commands.add_parser("train", help="train configurations and write their GIFs")
    train.add_argument("names", nargs="+", metavar="NAME", help="configuration name(s), or 'all'")
    train.add_argument("--run-dir", default="runs", help="folder for frames, plots and summaries")
    train.add_argument(
        "--gif-dir",
        default=None,
        help="folder for NAME.gif and NAME.png (default: gifs/, or runs/smoke-gifs/ in smoke mode)",
    )
    train.add_argument("--smoke", action="store_true", help=f"smoke mode (same as {SMOKE_ENV_VAR}=1)")
    train.add_argument("--epochs", type=int, default=None, help="override the configuration's epochs")
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    from gan_utils import configs  # imported late: TensorFlow takes seconds to load

    if args.command == "list":
        name_width = max(map(len, configs.CONFIGS))
        architecture_width = max(len(c.architecture) for c in configs.CONFIGS.values())
        for name, config in configs.CONFIGS.items():
            print(f"{name:{name_width}s}  {config.dataset:14s} {config.architecture:{architecture_width}s}  {config.notebook}")
        return 0

    if args.smoke:
        os.environ[SMOKE_ENV_VAR] = "1"
    smoke = smoke_mode()
    names = list(configs.CONFIGS) if args.names == ["all"] else args.names
    try:
        selected = [configs.get_config(name) for name in names]
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    gif_dir = args.gif_dir or ("runs/smoke-gifs" if smoke else "gifs")
    print(banner())
    for config in selected:
        print(f"== {config.name}: {config.dataset}, {config.architecture} ({config.notebook})")
        summary = configs.train(config, f"{args.run_dir}/{config.name}", gif_dir, smoke=smoke, epochs=args.epochs).summary
        accuracy = summary["test_accuracy"]
        if accuracy:
            score = f"discriminator accuracy on held-out real {accuracy['real']:.0%}, on fake {accuracy['fake']:.0%}"
        else:
            score = f"critic's Wasserstein estimate on held-out data {summary['test_metrics']['wasserstein']:.3f}"
        print(
            f"{config.name}: {summary['epochs_completed']} epochs ({summary['seconds_this_run']:.0f} s in "
            f"this run), {score}; wrote {summary['outputs'].get('gif')}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
