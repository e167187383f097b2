"""arq workers: outbox relay, channels, scheduled jobs."""
