"""The Litestar app: API, auth, pages and the command line."""
