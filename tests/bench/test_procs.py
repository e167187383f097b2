"""The bench's CPU meter keeps counting a process's children after they exit, as PostgreSQL's
backends do mid-run; the figure it reports may never go down (it once read -446 µs)."""

from __future__ import annotations

import os
import subprocess
import sys

from bench import procs


def test_a_child_that_exits_is_still_counted_by_its_parent() -> None:
    before = procs.reaped_seconds(os.getpid())
    burn = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", burn], check=True)  # run waits for it: reaped
    assert procs.reaped_seconds(os.getpid()) - before >= 0.25
