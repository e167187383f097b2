"""The benchmark suite (issue 8): the portal against a bare floor on the same stack.

`python -m bench` (or `make bench`) runs everything; `python -m bench --help` lists the knobs.
Nothing here is imported by the portal or the workers.
"""
