"""Test-session set-up shared by tests/ and the notebooks that nbval executes."""
import os
from pathlib import Path

# Under pytest-xdist (make test runs two workers) each worker writes its notebooks' runs to its
# own RUN_ROOT: a notebook that reuses another notebook's model then either finds it finished in
# its own worker's folder or trains it itself (as in a fresh Colab runtime), never a run that the
# other worker is still writing.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker and "RUN_ROOT" not in os.environ:
    os.environ["RUN_ROOT"] = str(Path(__file__).parent / "notebooks" / "runs" / _worker)
