#!/usr/bin/env python3
"""Tandem's benchmark: `bench/run.py --db sqlite|postgres --scale S|M|L [--duration 10] [--conc 1,8]
[--only people_list,org_page] [--workers N] [--peer NAME]` (or `./tandem bench ...`). See bench/README.md."""

import sys
from pathlib import Path

# Run as a script, bench/ is on the path but the checkout's root (which holds the bench package) is not.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.runner import main

if __name__ == "__main__":
    sys.exit(main())
