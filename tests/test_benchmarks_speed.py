"""The speed benchmarks, train_speed.py and jax_speed.py, run end to end on tiny budgets (their
figures are not checked, only that they make their tables); a file of their own so that
pytest-xdist runs the slow benchmark tests side by side."""

import subprocess
import sys

import pytest

from helpers import BENCHMARKS, run_benchmark


@pytest.mark.bench
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


@pytest.mark.bench
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
