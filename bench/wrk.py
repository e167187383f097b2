"""Run wrk (the Debian package) with a Lua script that cycles through prepared requests."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import statistics
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

_MARK = "BENCH_JSON "


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    # Send an Idempotency-Key unique to each request (the prefix, the wrk run, the thread, a
    # counter): a key of one run is never sent again by the next, which would replay it.
    idempotency_prefix: str | None = None


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # socket errors, timeouts and 4xx/5xx answers
    seconds: float


@dataclass
class Result:
    name: str
    connections: int
    runs: list[Run]

    @property
    def median(self) -> Run:
        """The median of each figure over the runs."""
        return Run(
            rps=statistics.median(r.rps for r in self.runs),
            p50_ms=statistics.median(r.p50_ms for r in self.runs),
            p99_ms=statistics.median(r.p99_ms for r in self.runs),
            requests=int(statistics.median(r.requests for r in self.runs)),
            errors=sum(r.errors for r in self.runs),
            seconds=statistics.median(r.seconds for r in self.runs),
        )

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "connections": self.connections,
            "median": asdict(self.median),
            "runs": [asdict(r) for r in self.runs],
        }


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(
            "bench: wrk is not installed. It comes from Debian: `apt-get install -y wrk` "
            "(or run `python -m bench --install-wrk`, which does that as root)."
        )
    return found


def ensure_wrk(install: bool) -> str:
    """wrk's path; installs the Debian package first when asked and missing."""
    if shutil.which("wrk") is None and install:
        print("bench: wrk is missing; installing the Debian package (apt-get install -y wrk)")
        subprocess.run(["apt-get", "update", "-qq"], check=False)  # noqa: S607
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)  # noqa: S607
    return wrk_binary()


def _lua_string(text: str) -> str:
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    eq = "=" * level
    return f"[{eq}[{text}]{eq}]"


def script(requests: list[Request]) -> str:
    """A wrk Lua script: each thread cycles through the requests from its own starting point."""
    run = secrets.token_hex(4)  # wrk restarts its counters each run: keys must not repeat
    specs = []
    for r in requests:
        headers = ", ".join(
            f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in sorted(r.headers.items())
        )
        body = _lua_string(r.body) if r.body is not None else "nil"
        idem = _lua_string(r.idempotency_prefix) if r.idempotency_prefix else "nil"
        specs.append(
            f"{{method = {_lua_string(r.method)}, path = {_lua_string(r.path)}, "
            f"headers = {{{headers}}}, body = {body}, idem = {idem}}}"
        )
    return (
        f"local run = {_lua_string(run)}\n"
        "local specs = {\n  "
        + ",\n  ".join(specs)
        + "\n}\n"
        + r"""
local reqs = {}
local i = 0
local n = 0
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
  table.insert(threads, thread)
end

function init(args)
  for k, s in ipairs(specs) do
    if s.idem == nil then
      reqs[k] = wrk.format(s.method, s.path, s.headers, s.body)
    end
  end
  thread_id = thread_id or 0
  math.randomseed(thread_id * 7919 + os.time())
  i = math.random(#specs) - 1
end

function request()
  i = i % #specs + 1
  local s = specs[i]
  if s.idem ~= nil then
    n = n + 1
    s.headers["Idempotency-Key"] = s.idem .. "-" .. run .. "-" .. thread_id .. "-" .. n
    return wrk.format(s.method, s.path, s.headers, s.body)
  end
  return reqs[i]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""
    )


def run(
    url: str,
    requests: list[Request],
    *,
    connections: int,
    seconds: float,
    threads: int = 2,
    timeout: str = "5s",
) -> Run:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as f:
        f.write(script(requests))
        path = f.name
    try:
        proc = subprocess.run(  # noqa: S603
            [
                wrk_binary(),
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                f"--timeout={timeout}",
                "-s",
                path,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        out = proc.stdout
    finally:
        Path(path).unlink(missing_ok=True)
    line = next((x for x in out.splitlines() if x.startswith(_MARK)), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{out}\n{proc.stderr}")
    data = json.loads(line[len(_MARK) :])
    secs = data["duration_us"] / 1e6
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Run(
        rps=data["requests"] / secs,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        requests=data["requests"],
        errors=errors,
        seconds=secs,
    )


def version() -> str:
    out = subprocess.run([wrk_binary(), "-v"], capture_output=True, text=True, check=False)  # noqa: S603
    m = re.search(r"wrk (\S+)", out.stdout + out.stderr)
    return m.group(1) if m else "?"
