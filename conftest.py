"""Test-session set-up shared by tests/ and the notebooks that nbval executes."""
import os
import sys
from pathlib import Path

import nbformat

# Under pytest-xdist (make test runs two workers) each worker writes its notebooks' runs to its
# own RUN_ROOT: a notebook that reuses another notebook's model then either finds it finished in
# its own worker's folder or trains it itself (as in a fresh Colab runtime), never a run that the
# other worker is still writing.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker and "RUN_ROOT" not in os.environ:
    os.environ["RUN_ROOT"] = str(Path(__file__).parent / "notebooks" / "runs" / _worker)
# The judge classifiers, though, are one set for all workers (as ~/.keras/gan_utils was before
# judges moved beside the runs): each is trained once per test session, not once per worker.
if _worker and "GAN_UTILS_CACHE" not in os.environ:
    os.environ["GAN_UTILS_CACHE"] = str(Path(__file__).parent / "notebooks" / "runs" / "judges")

sys.path.insert(0, str(Path(__file__).parent / "tests"))
from notebook_text import with_solutions  # noqa: E402


class _NotebooksWithSolutions:
    """nbval's view of nbformat: a notebook it reads for execution gets its exercises' worked
    solutions appended as code cells, so every solution runs (in smoke mode, in the same kernel,
    after the cells it builds on) and a solution that no longer works fails the notebook's test."""

    def __getattr__(self, name):
        return getattr(nbformat, name)

    @staticmethod
    def read(path, as_version):
        return with_solutions(nbformat.read(path, as_version=as_version))


def pytest_configure(config):
    try:
        import nbval.plugin
    except ImportError:  # nbval is a dev requirement; without it no notebook runs at all
        return
    nbval.plugin.nbformat = _NotebooksWithSolutions()
