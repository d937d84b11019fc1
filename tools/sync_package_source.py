"""Copy the package's classes into the notebook cells that show them (cells tagged ``package-source``,
the class named in the cell's ``package_source`` metadata). A cell keeps its first lines up to the
class (its comment and imports); what follows is replaced by the package's source, verbatim.

    python tools/sync_package_source.py          # rewrite the cells that differ
    python tools/sync_package_source.py --check  # exit 1 if any differs (tests/test_package_source.py)
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def package_source(name: str) -> str:
    module, attribute = name.rsplit(".", 1)
    return inspect.getsource(getattr(importlib.import_module(f"gan_utils.{module}"), attribute)).rstrip("\n")


def synced(cell_source: str, name: str) -> str:
    """The cell with everything from its ``class`` (or ``def``) line on replaced by the package's source."""
    attribute = name.rsplit(".", 1)[1]
    for marker in (f"class {attribute}(", f"def {attribute}("):
        if marker in cell_source:
            return cell_source[:cell_source.index(marker)] + package_source(name)
    return cell_source + package_source(name)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report the cells that differ; change nothing")
    args = parser.parse_args(argv)
    stale = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text())
        changed = False
        for cell in notebook["cells"]:
            if "package-source" not in cell.get("metadata", {}).get("tags", []):
                continue
            name, source = cell["metadata"]["package_source"], "".join(cell["source"])
            wanted = synced(source, name)
            if wanted != source:
                stale.append(f"{path.name}: {name}")
                cell["source"] = wanted.splitlines(keepends=True)
                changed = True
        if changed and not args.check:
            path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    for line in stale:
        print(("differs: " if args.check else "copied: ") + line)
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
