"""The benchmark scripts run end to end (tiny budgets: their figures are not checked here, only
that they produce their tables), so `make bench` cannot rot between runs."""

import re
import sys

import pytest

from helpers import BENCHMARKS, run_benchmark


def test_conditional_benchmark_screens_candidates_over_seeds_and_prints_their_table(shared_cache, tmp_path):
    runs = str(tmp_path / "runs")
    run_benchmark("conditional_digits.py", "screen", "--steps", "3", "--seeds", "0", "1", "--only",
                  "smooth_d_0.9", "--max-samples", "640", "--runs", runs, env_cache=shared_cache)
    assert len(list((tmp_path / "runs").glob("screen__*__seed*__3steps.json"))) == 2
    table = run_benchmark("conditional_digits.py", "table", "--runs", runs, env_cache=shared_cache)
    row = next(line for line in table.splitlines() if line.startswith("| screen | `smooth_d_0.9` |"))
    assert "Salimans" in row and "| 3 | 2 |" in row and row.count(" ± ") == 4 and "of 2 |" in row
    assert re.search(r"\| \d+ \|$", row)  # every stored run records its milliseconds per step


@pytest.mark.bench
def test_quality_benchmark_compares_three_loops_over_seeds_and_plots_them(shared_cache, tmp_path):
    plot = tmp_path / "curves.png"
    table = run_benchmark("quality_digits.py", "--steps", "4", "--every", "2", "--seeds", "2", "--samples", "64",
                          "--only", "dcgan_tutorial", "--plot", str(plot), env_cache=shared_cache)
    rows = [line for line in table.splitlines() if line.startswith("| dcgan_tutorial |")]
    assert [row.split("|")[2].strip() for row in rows] == [
        "gan_utils GAN.fit", "reports' train_on_batch", "tutorial tf.function"]
    assert all(" ± " in row for row in rows)  # mean and spread over the seeds
    assert "mnist_5k" in table and "64 generated samples per score" in table
    verdicts = [line for line in table.splitlines() if line.startswith("* dcgan_tutorial")]
    assert len(verdicts) == 4 and all("**met**" in v or "**not met**" in v for v in verdicts)
    perturbed = [line for line in table.splitlines() if line.startswith("| shifted right by 1 pixel |")]
    assert len(perturbed) == 1 and re.search(r"\| \d+\.\d\d \(\d: \d+\.\d%, \d: \d+\.\d%\) \|$", perturbed[0])
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_modern_recipe_plot_takes_each_recipes_best_covered_run_length():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import modern_recipe
    finally:
        sys.path.remove(str(BENCHMARKS))
    curve = [[1.0, 250, 50.0], [2.0, 500, 20.0]]
    stored = {f"{name}/seed {seed}/{length}/every 250/1000 samples": {"curve": curve}
              for name, length, seeds in (("dcgan", "20 min", 3), ("hinge_sn", "20 min", 3), ("hinge_sn", "10250 steps", 1),
                                          ("ttur", "20 min", 1), ("ttur", "10250 steps", 1))
              for seed in range(seeds)}
    stored["dcgan/seed 3/9000 steps/every 500/1000 samples"] = {"curve": curve}  # another protocol: left out
    chosen = modern_recipe.plotted_runs(stored, modern_recipe.parse_args(["--steps", "10250", "--every", "250"]))
    assert {name: (length, len(curves)) for name, (length, curves) in chosen.items()} == {
        "dcgan": ("20 min", 3), "hinge_sn": ("20 min", 3),  # the most seeds, over this call's length
        "ttur": ("10250 steps", 1)}  # a tie: this call's length
