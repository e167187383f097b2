"""Summarize a py-spy `--format raw` profile (collapsed stacks): where the samples go.

python -m bench.profile bench/results/profile/portal-1w/post-applications.txt [--top 40]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")


def _short(frame: str) -> str:
    m = _FRAME.match(frame)
    if not m:
        return frame
    path = m["file"]
    for marker in ("site-packages/", "/work/main/", "lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{m['func']} ({path})"


def summarize(path: Path, top: int = 40) -> str:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        frames = [_short(f) for f in stack.split(";")]
        for f in set(frames):
            inclusive[f] += n
        own[frames[-1]] += n
    out = [f"{path}: {total} samples", "", "inclusive (a function and what it calls):"]
    out += [f"  {n / total:6.1%}  {f}" for f, n in inclusive.most_common(top)]
    out += ["", "self (time in the function itself):"]
    out += [f"  {n / total:6.1%}  {f}" for f, n in own.most_common(top)]
    return "\n".join(out)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("path", type=Path)
    p.add_argument("--top", type=int, default=40)
    args = p.parse_args()
    print(summarize(args.path, args.top))


if __name__ == "__main__":
    main()
