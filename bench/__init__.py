"""Tandem's benchmark runner: bench/run.py (or `./tandem bench`). See bench/README.md."""
