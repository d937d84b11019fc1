"""Would installing gan_utils change what Colab ships? Run in an environment that holds Colab's
versions (ci/colab-image.txt); asks pip for a dry run of the notebooks' install and fails if the
resolution would install another TensorFlow, Keras, NumPy or protobuf, or cannot be found.

    python tools/colab_check.py [REQUIREMENT]   # default: gan_utils from this checkout, with its dependencies
    python tools/colab_check.py --installed     # after the real install: the same four versions as before it
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEPT = ("tensorflow", "keras", "numpy", "protobuf")


def installed() -> dict:
    versions = {}
    for name in KEPT:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def would_install(requirement: str) -> dict:
    """{package: version} that ``pip install requirement`` would install (pip's --dry-run report)."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        completed = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--report", str(report),
                                    requirement], capture_output=True, text=True)
        if completed.returncode != 0:
            raise SystemExit(f"pip found no installation of {requirement} beside Colab's versions:\n{completed.stderr}")
        planned = json.loads(report.read_text())["install"]
        return {item["metadata"]["name"].lower(): item["metadata"]["version"] for item in planned}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    recorded = Path(sys.prefix) / "colab-versions.json"
    if argv == ["--installed"]:
        if not recorded.exists():
            raise SystemExit(f"No {recorded}: run the dry-run check first.")
        before, after = json.loads(recorded.read_text()), installed()
        changed = {name: (before[name], after[name]) for name in KEPT if before[name] != after[name]}
        print("FAILED: the install replaced " + ", ".join(f"{n} {old} with {new}" for n, (old, new) in changed.items())
              if changed else f"OK: after the install, {', '.join(f'{n} {v}' for n, v in after.items())} as before.")
        return 1 if changed else 0
    requirement = argv[0] if argv else f"gan_utils @ {ROOT.as_uri()}"
    before = installed()
    missing = [name for name, version in before.items() if version is None]
    if missing:
        raise SystemExit(f"This environment lacks {missing}: install ci/colab-image.txt first.")
    recorded.write_text(json.dumps(before))
    planned = would_install(requirement)
    changed = {name: (before[name], planned[name]) for name in KEPT if name in planned}
    print(f"Colab's versions here: {', '.join(f'{n} {v}' for n, v in before.items())}")
    print(f"pip install {requirement!r} would install: {', '.join(f'{n} {v}' for n, v in sorted(planned.items()))}")
    if changed:
        print("FAILED: it would replace " + ", ".join(f"{n} {old} with {new}" for n, (old, new) in changed.items()))
        return 1
    print(f"OK: {', '.join(KEPT)} stay as Colab ships them.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
