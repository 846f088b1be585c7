"""Rewrite the README's headline paragraph from the derived tables (tests/test_readme.py checks it).

The text between the two ``HEADLINE`` markers of README.md is replaced by
:func:`ceg_calc.verbs.summary.readme_headline` of the package's tables; nothing else changes.

    .venv/bin/python scripts/readme_headline.py [PACKAGE]
"""

from __future__ import annotations

import sys
from pathlib import Path

from ceg_calc.core.files import write_atomic
from ceg_calc.gate.checks import read_valid_tables
from ceg_calc.verbs.summary import readme_headline

START = "<!-- headline: written by scripts/readme_headline.py from the derived tables; tests/test_readme.py checks it -->"
END = "<!-- /headline -->"


def replaced(text: str, body: str) -> str:
    """``text`` with the block between :data:`START` and :data:`END` set to ``body``."""
    head, rest = text.split(START + "\n", 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{body}{END}{tail}"


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    write_atomic(readme, replaced(text, readme_headline(read_valid_tables(root).tables)))
