"""File -> structured letter: format readers (`readers/`) that keep layout, the
one normalisation step (`normalize.py`), field parsers (`fields/`) and their
assembly into a Letter (`letter.py`). Vocabulary lives in `data/` as YAML."""
