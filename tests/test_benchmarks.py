"""The benchmark scripts run end to end (tiny budgets: their figures are not checked here, only
that they produce their tables), so `make bench` cannot rot between runs."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run_benchmark(script, *args, env_cache):
    import os

    env = dict(os.environ, GAN_UTILS_CACHE=str(env_cache))
    env.pop("GAN_UTILS_SMOKE", None)
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args], capture_output=True, text=True, env=env, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_conditional_benchmark_screens_candidates_over_seeds_and_prints_their_table(shared_cache, tmp_path):
    runs = str(tmp_path / "runs")
    run_benchmark("conditional_digits.py", "screen", "--steps", "3", "--seeds", "0", "1", "--only",
                  "real_label_0.9", "--max-samples", "640", "--runs", runs, env_cache=shared_cache)
    assert len(list((tmp_path / "runs").glob("screen__*__seed*__3steps.json"))) == 2
    table = run_benchmark("conditional_digits.py", "table", "--runs", runs, env_cache=shared_cache)
    row = next(line for line in table.splitlines() if line.startswith("| screen | `real_label_0.9` |"))
    assert "Salimans" in row and "| 3 | 2 |" in row and row.count(" ± ") == 4 and "of 2 |" in row


def test_speed_benchmark_measures_a_conditional_gan_and_the_tutorials_step(shared_cache):
    table = run_benchmark("train_speed.py", "--steps", "1", "--repeats", "2", "--only", "conditional_dcgan_report004",
                          "dcgan_tutorial", env_cache=shared_cache)
    row = next(line for line in table.splitlines() if line.startswith("| conditional_dcgan_report004 | 128 | none |"))
    assert row.count("x |") >= 1 and "img/s)" in row  # the gain over the previous step; simultaneous alone
    target = next(line for line in table.splitlines() if line.startswith("* Target, dcgan_tutorial:"))
    assert "median" in target and "over 2 rounds" in target  # the noise band beside the verdict
    assert "float32 matmul ceiling" in table
    # The printed command is the one that made the table.
    assert "`python benchmarks/train_speed.py --steps 1 --repeats 2 --only conditional_dcgan_report004 dcgan_tutorial`" in table
    assert "| generator forward, a batch of fakes for the discriminator |" in table  # where the time goes
    assert "| (28, 28, 1) | 128 |" in table  # the input pipeline's own throughput


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


def test_modern_recipe_benchmark_prints_targets_and_plots(shared_cache, tmp_path):
    plot, runs, samples = tmp_path / "modern.png", tmp_path / "runs.json", tmp_path / "samples"
    arguments = ("--minutes", "0.02", "--every", "4", "--samples", "64", "--plot", str(plot), "--runs", str(runs),
                 "--samples-dir", str(samples))
    partial = run_benchmark("modern_recipe.py", *arguments, "--seeds", "1", "--only", "dcgan", env_cache=shared_cache)
    assert "Best recipe of the 1 measured here: **dcgan**" in partial
    table = run_benchmark("modern_recipe.py", *arguments, "--seeds", "2", "--only", "dcgan,hinge_sn", env_cache=shared_cache)
    rows = [line for line in table.splitlines() if line.startswith(("| dcgan |", "| hinge_sn |"))]
    assert len(rows) == 2 and all(row.count(" ± ") == 2 for row in rows)  # FCD and balance: mean ± spread
    assert "within 3x the floor" in table and "class balance within 1.5" in table and "both spreads" in table
    assert "(1,000 real train digits: " in table  # the balance target's yardstick, from real digits
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The first call's run (dcgan, seed 0) was kept and reused: the second call trained the 3 others.
    assert sorted(json.loads(runs.read_text())) == [
        f"{name}/seed {seed}/0.02 min/every 4/64 samples" for name in ("dcgan", "hinge_sn") for seed in (0, 1)]
    assert sorted(p.name for p in samples.iterdir()) == [
        "dcgan_seed0.png", "dcgan_seed1.png", "hinge_sn_seed0.png", "hinge_sn_seed1.png"]
    assert run_benchmark("modern_recipe.py", *arguments, "--seeds", "2", "--only", "dcgan,hinge_sn",
                         env_cache=shared_cache) == table  # nothing left to train: the same table
    # A run is deterministic in its steps: --steps replays the stored seed 0 of hinge_sn to its first
    # score and lands on the same FCD (and writes the grid again).
    stored = json.loads(runs.read_text())["hinge_sn/seed 0/0.02 min/every 4/64 samples"]["curve"][0]
    replay_runs = tmp_path / "replay.json"
    replay = run_benchmark("modern_recipe.py", *arguments[:-4], "--samples-dir", str(samples), "--runs", str(replay_runs),
                           "--steps", "4", "--seeds", "1", "--only", "hinge_sn", env_cache=shared_cache)
    assert "--steps 4" in replay and "--only hinge_sn`" in replay and "4 generator steps per run" in replay
    replayed = json.loads(replay_runs.read_text())["hinge_sn/seed 0/4 steps/every 4/64 samples"]["curve"]
    assert [point[1:] for point in replayed] == [pytest.approx(stored[1:], rel=1e-4)]


def test_jax_speed_benchmark_prints_jax_against_tensorflow(shared_cache):
    # PyTorch is not in CI's requirements: its column says so (test_torch_reference.py checks the
    # PyTorch copy of the networks where PyTorch is installed).
    # With the GPU run's options (docs/backends-and-gpu.md, "Measured on a GPU (an NVIDIA H200)"): steps per call,
    # the one-pass update, strict float32.
    table = run_benchmark("jax_speed.py", "--steps", "2", "--repeats", "1", "--only", "dcgan_tutorial", "--no-torch",
                          "--steps-per-execution", "2", "--simultaneous", "--float32", "strict", env_cache=shared_cache)
    row = next(line for line in table.splitlines() if line.startswith("| dcgan_tutorial | 256 |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[3] == "not installed" and cells[6].endswith("x")  # JAX / TensorFlow, from two interpreters
    assert "measured float32 matmul rate" in table and cells[8].endswith("%")
    assert "Float32 precision: strict" in table and "--steps-per-execution 2 --float32 strict --simultaneous" in table
    extra_rows = [line for line in table.splitlines() if line.startswith("| dcgan_tutorial | 256 |")][1:]
    assert len(extra_rows) == 2 and all(line.rstrip(" |").endswith("x") for line in extra_rows)


def test_jax_speed_benchmark_refuses_steps_that_do_not_fill_whole_calls():
    result = subprocess.run([sys.executable, str(BENCHMARKS / "jax_speed.py"), "--steps", "3", "--steps-per-execution",
                             "2"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "--steps-per-execution 2 must be at least 1 and divide --steps 3" in result.stderr


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
