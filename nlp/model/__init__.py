"""The packaged topic model (vocabulary.json, weights.npz, meta.json), written by
``python -m nlp.cli train``; a package only so that its files ship with ydan."""
