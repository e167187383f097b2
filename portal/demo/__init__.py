"""`portal demo`: a sandbox in the current database, made through the portal's own API."""


class DemoError(RuntimeError):
    """A step of the sandbox could not be taken: the message says which and why."""
