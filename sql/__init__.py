"""The database layer: migrations, named queries, the pool, and the embedded servers."""
