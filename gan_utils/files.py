"""Writing files safely, and where runs keep them.

Every file is written to a temporary name and moved into place (``atomic_path``), so an interrupted
run never leaves a half-written PNG, GIF or checkpoint behind. ``run_folder`` names a run's folder
under ``RUN_ROOT`` (``runs`` by default; a Google Drive folder on Colab survives a disconnect).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

import numpy as np

from gan_utils.smoke import smoke_mode

RUN_ROOT_ENV_VAR = "RUN_ROOT"


def run_root() -> Path:
    """``$RUN_ROOT``, else ``runs`` (relative to the working directory: the notebook's folder)."""
    return Path(os.environ.get(RUN_ROOT_ENV_VAR) or "runs")


DRIVE_MOUNT = "/content/drive"
DRIVE_RUN_ROOT = DRIVE_MOUNT + "/MyDrive/gan-course-runs"


def keep_runs_on_drive(enabled: bool) -> Path:
    """Colab, opt-in: mount Google Drive and set ``RUN_ROOT`` to a folder on it, so this notebook's
    runs, the score caches and the judge classifiers outlive the runtime (a new runtime resumes
    them). With ``enabled`` False, or outside Colab, it changes nothing. Prints and returns where
    the runs go."""
    if enabled:
        try:
            from google.colab import drive
        except ImportError:
            print("Not on Colab: nothing to mount.")
        else:
            drive.mount(DRIVE_MOUNT)
            os.environ[RUN_ROOT_ENV_VAR] = DRIVE_RUN_ROOT
    from gan_utils.metrics import cache_dir  # metrics imports this module

    root = run_root()
    where = "on Google Drive" if str(root).startswith(DRIVE_MOUNT) else "in this runtime: on Colab, lost when it disconnects"
    print(f"Runs and score caches go to {root}, judge classifiers to {cache_dir()} ({where}).")
    return root


def run_folder(notebook: str, configuration: str, smoke: bool | None = None) -> Path:
    """The run folder of one configuration trained in one notebook:
    ``RUN_ROOT/<notebook number and topic>/<configuration>`` (``..._smoke`` in smoke mode, so a
    smoke run never resumes a real one). ``notebook`` may be the file name
    ("01_keras_gan_mnist.ipynb") or its stem. Every notebook and the command line use it, so
    another notebook finds a model where the one that trained it left it."""
    stem = Path(notebook).name.removesuffix(".ipynb")
    for name, value in (("notebook", stem), ("configuration", configuration)):
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", value or ""):
            raise ValueError(f"A run folder's {name} must be letters, digits, '_', '.' or '-', got {value!r}.")
    smoke = smoke_mode() if smoke is None else smoke
    return run_root() / stem / (configuration + ("_smoke" if smoke else ""))


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path next to ``path``; on success move it onto ``path``, else delete it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Keep every suffix (".weights.h5"): writers pick the format, and Keras checks, by the name.
    suffix = "".join(path.suffixes)
    stem = path.name[: len(path.name) - len(suffix)]
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{stem}.", suffix=suffix)
    os.close(handle)
    try:
        yield Path(temporary)
        # mkstemp creates the file private (0600); give the result the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temporary)
        raise


def save_image(picture: np.ndarray, path) -> Path:
    """Write a uint8 picture (PNG by the file's extension), atomically."""
    import imageio.v3 as iio

    with atomic_path(path) as temporary:
        iio.imwrite(temporary, picture)
    return Path(path)


def write_gif(frames, path, duration_ms: int = 200, loop: int = 0) -> Path:
    """Write frames (uint8 arrays or image file paths) as a GIF, ``duration_ms`` per frame.

    ``loop=0`` loops forever. All frames must have the same size.
    """
    import imageio.v3 as iio

    pictures = [iio.imread(f) if isinstance(f, (str, Path)) else np.asarray(f) for f in frames]
    if not pictures:
        raise ValueError(f"No frames to write to {path}.")
    shapes = {p.shape for p in pictures}
    if len(shapes) > 1:
        raise ValueError(f"All GIF frames must have the same shape, got {sorted(shapes)}.")
    with atomic_path(path) as temporary:
        iio.imwrite(temporary, np.stack(pictures), extension=".gif", duration=duration_ms, loop=loop)
    return Path(path)
