"""How the tests read a notebook as a student does: its prose before the exercises, and the worked
solutions in the exercises' collapsed ``<details>`` blocks (run by nbval after the notebook's own
cells: see conftest.py)."""

import re

import nbformat

PROSE_WORDS = 1000  # markdown words before the exercises (the TensorFlow DCGAN tutorial: about 760)
CELL_WORDS = 200  # the longest markdown cell before the exercises
SOLUTION = re.compile(r"<details>\s*<summary>\s*Solution.*?</summary>(.*?)</details>", re.S | re.I)
PYTHON = re.compile(r"```python\n(.*?)```", re.S)


def is_exercises(cell) -> bool:
    return cell.cell_type == "markdown" and re.match(r"#+\s*Exercises", cell.source.strip()) is not None


def prose_cells(notebook) -> list[str]:
    """The markdown cells a student reads before the exercises."""
    cells = []
    for cell in notebook.cells:
        if is_exercises(cell):
            break
        if cell.cell_type == "markdown":
            cells.append(cell.source)
    return cells


def exercises(notebook) -> str:
    return "\n".join(cell.source for cell in notebook.cells if is_exercises(cell))


def solutions(notebook) -> list[str]:
    """The text of each exercise's collapsed solution, in order."""
    return SOLUTION.findall(exercises(notebook))


def solution_code(notebook) -> list[str]:
    """The Python blocks of the solutions, in order: what a student would paste into a new cell."""
    return [block for text in solutions(notebook) for block in PYTHON.findall(text)]


def with_solutions(notebook):
    """The notebook with one code cell per solution block appended after its last cell."""
    for index, code in enumerate(solution_code(notebook)):
        notebook.cells.append(nbformat.v4.new_code_cell(f"# worked solution, block {index + 1}\n{code}"))
    return notebook
