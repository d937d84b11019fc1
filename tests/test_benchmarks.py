"""The benchmark scripts run end to end (tiny budgets: their figures are not checked here, only
that they produce their tables), so `make bench` cannot rot between runs."""

import subprocess
import sys
from pathlib import Path

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


def test_conditional_benchmark_prints_class_accuracy_per_checkpoint(shared_cache):
    table = run_benchmark("conditional_digits.py", "--epochs", "2", "--every", "1",
                          "--only", "conditional_dcgan_report004", env_cache=shared_cache)
    row = next(line for line in table.splitlines() if line.startswith("| conditional_dcgan_report004 |"))
    assert "| step 22 | step 44 |" in table
    assert row.count("%") >= 3 and "≥ 90%" in row


def test_speed_benchmark_measures_a_conditional_gan(shared_cache):
    table = run_benchmark("train_speed.py", "--steps", "1", "--repeats", "1", "--only", "conditional_dcgan_report004",
                          env_cache=shared_cache)
    assert "| conditional_dcgan_report004 | 128 | none |" in table
    assert "float32 matmul ceiling" in table


def test_quality_benchmark_prints_every_section_with_the_target_verdict(shared_cache):
    table = run_benchmark("quality_digits.py", "--seconds", "2", "--samples", "64", "--long-steps", "4",
                          "--checkpoints", "2", env_cache=shared_cache)
    assert "| real train split | (floor) |" in table
    assert table.count("| dcgan_tutorial |") == 2 and table.count("| keras_gan_report001 |") == 2
    assert "| shifted right by 1 pixel |" in table
    convergence_steps = [line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| 2 |") or line.startswith("| 4 |")]
    assert convergence_steps == ["2", "4"]
    assert "Target: the DCGAN within 3x of the floor" in table and ("**met**" in table or "**not met**" in table)
