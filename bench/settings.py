"""The production settings, unchanged but for where static files are collected: a directory
of the bench's own (BENCH_STATIC_ROOT), so a run never rewrites the files that another
process, or the image's build test, is serving or collecting at the same time."""

import os
from pathlib import Path

from config.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
