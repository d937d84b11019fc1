"""The modern-recipe benchmark runs end to end on tiny budgets (its figures are not checked, only
that it makes its table, plot and stored runs); a file of its own so that pytest-xdist runs the
slow benchmark tests side by side."""

import json

import pytest

from helpers import run_benchmark


@pytest.mark.bench
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
