"""congvan: Vietnamese official letters -> typed records, citation graph, action items.

The public API for scripts and notebooks:

    import congvan
    letter = congvan.parse("letter.pdf")      # a congvan.models.Letter
    data = congvan.to_json(letter)            # the `congvan parse --json` object
"""
from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def parse(path: str, **options: Any):  # noqa: ANN201 - returns congvan.models.Letter
    """Read one file (PDF, DOCX, DOC, RTF, TXT, image) into a Letter; raises ReadError."""
    from congvan.pipeline.parse import parse_file

    return parse_file(path, **options)


def parse_text(text: str, **options: Any):  # noqa: ANN201
    """Parse a letter already in a Python string."""
    from congvan.pipeline.parse import parse_string

    return parse_string(text, **options)


def to_json(letter: Any) -> dict:
    """The JSON object `congvan parse --json` prints for a Letter."""
    from congvan.models.output import letter_to_json

    return letter_to_json(letter)
