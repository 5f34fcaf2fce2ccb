"""Field parsers: normalised lines of a letter -> header, number, dates,
addressees, signer, directives, references, units and deadlines. Each module
holds the patterns for its field, compiled once; `vocabulary.py` and
`codes.py` load the shared word lists from `parsers/data/`."""
