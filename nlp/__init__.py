"""Offline Vietnamese language processing for ydan.

Normalisation of phone-typed text, the topic tagger with its flags, grouping of similar
concerns, and the training/evaluation pipeline. This package imports no other project
package; import the submodules you need (nothing is loaded at import time).
"""
