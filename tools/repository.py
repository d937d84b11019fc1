"""The repository's GitHub slug (owner/name) lives once, in pyproject.toml's [project.urls]; the
Colab badges, install cells, raw image URLs and links to this repository's own files carry it.

    python tools/repository.py check              # every occurrence agrees with pyproject.toml
    python tools/repository.py set OWNER/NAME     # a fork: pyproject.toml and every occurrence

``make fork REPO=owner/name`` calls ``set``; tests/test_notebooks_meta.py calls ``mismatches``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
SLUG = r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+?"
URL_LINE = re.compile(rf'^(Repository = "https://github\.com/)({SLUG})(")', re.M)
# The places that name this repository: a Colab badge (colab.research.google.com/github/SLUG/blob/
# main/notebooks/...), the install cell (git+https://github.com/SLUG), a raw file of its main
# branch, a link to its own files. Other projects' links (keras-io, papers' code) never take these
# forms with one of this repository's paths.
OWN_PATHS = r"(?:notebooks|docs|gifs|benchmarks|gan_utils|tests|README\.md)"
OCCURRENCE = re.compile(
    rf"(colab\.research\.google\.com/github/|github\.com/|raw\.githubusercontent\.com/)({SLUG})"
    rf"(?=(?:\.git)?(?:/blob/main/{OWN_PATHS}|/main/{OWN_PATHS}|/tree/main|[\"'\s)`\\]|$))"
)
INSTALL = re.compile(rf"git\+https://github\.com/({SLUG})(?=[\"'\s@\\])")


def files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "notebooks").glob("*.ipynb"))]


def slug() -> str:
    """The slug pyproject.toml's [project.urls] Repository names."""
    found = URL_LINE.search(PYPROJECT.read_text())
    if not found:
        raise SystemExit(f'{PYPROJECT} has no line Repository = "https://github.com/OWNER/NAME" under [project.urls].')
    return found.group(2)


def occurrences(text: str) -> list[str]:
    own = [match.group(2) for match in OCCURRENCE.finditer(text) if _ours(text, match)]
    return own + INSTALL.findall(text)


def _ours(text: str, match) -> bool:
    """A bare github.com/OWNER/NAME is ours only where it is this project's install or Colab link;
    with a path it is ours when the path is one of this repository's own folders."""
    if match.group(1) != "github.com/":
        return True
    after = text[match.end(): match.end() + 40]
    return bool(re.match(rf"(?:\.git)?/(?:blob|tree)/main(?:/{OWN_PATHS})?", after))


def mismatches() -> list[str]:
    """Every file and slug that disagrees with pyproject.toml's."""
    expected = slug()
    return [f"{path.relative_to(ROOT)}: {found}" for path in files() for found in occurrences(path.read_text())
            if found != expected]


def set_slug(new: str) -> int:
    if not re.fullmatch(SLUG, new):
        raise SystemExit(f"{new!r} is not a GitHub OWNER/NAME (letters, digits, '-', '.', '_').")
    old = slug()
    changed = 0
    for path in [PYPROJECT, *files()]:
        text = path.read_text()
        updated = text.replace(f"github.com/{old}", f"github.com/{new}").replace(
            f"githubusercontent.com/{old}/", f"githubusercontent.com/{new}/").replace(
            f"colab.research.google.com/github/{old}/", f"colab.research.google.com/github/{new}/")
        if updated != text:
            path.write_text(updated)
            changed += 1
    return changed


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["check"] and len(argv) == 1:
        wrong = mismatches()
        print("\n".join(wrong) if wrong else f"Every badge, install cell and link names {slug()}.")
        return 1 if wrong else 0
    if argv[:1] == ["set"] and len(argv) == 2:
        changed = set_slug(argv[1])
        print(f"{argv[1]}: pyproject.toml and {changed - 1} other files rewritten; push them to that repository.")
        return 1 if mismatches() else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
