"""Rewrite the README's headline and counts paragraphs from the tables (tests/test_readme.py checks them).

The text between the two headline markers of README.md is replaced by
:func:`ceg_calc.verbs.summary.readme_headline` of the package's tables, the text between the two
counts markers by :func:`ceg_calc.verbs.summary.readme_counts`; nothing else changes.

    .venv/bin/python scripts/readme_headline.py [PACKAGE]
"""

from __future__ import annotations

import sys
from pathlib import Path

from ceg_calc.core.files import write_atomic
from ceg_calc.gate.checks import read_valid_tables
from ceg_calc.verbs.summary import readme_counts, readme_headline

START = "<!-- headline: written by scripts/readme_headline.py from the derived tables; tests/test_readme.py checks it -->"
END = "<!-- /headline -->"
COUNTS_START = "<!-- counts: written by scripts/readme_headline.py from the tables; tests/test_readme.py checks it -->"
COUNTS_END = "<!-- /counts -->"


def replaced(text: str, body: str, start: str = START, end: str = END) -> str:
    """``text`` with the block between ``start`` and ``end`` set to ``body``."""
    head, rest = text.split(start + "\n", 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}{end}{tail}"


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    tables = read_valid_tables(root).tables
    text = replaced(text, readme_headline(tables))
    write_atomic(readme, replaced(text, readme_counts(tables), COUNTS_START, COUNTS_END))
