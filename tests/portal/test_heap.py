"""The served app's process keeps its start-up heap out of the collector's sight: full
collections walked it in ~70 ms pauses under load."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import gc, weakref
    import portal.asgi  # what `portal serve` imports in each worker

    frozen, young = gc.get_freeze_count(), gc.get_threshold()[0]

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle made after start-up: only the collector frees it
    gone = weakref.ref(a)
    del a, b
    gc.collect()
    print(frozen, young, gone() is None)
    """
)


def test_the_served_app_freezes_its_start_up_heap_and_still_collects_new_garbage() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    frozen, young, collected = int(out[0]), int(out[1]), out[2]
    assert frozen > 20_000  # routes, schemas, templates: the whole app as built
    assert young == 7_000
    assert collected == "True"
