"""The in-app inbox, notification preferences, and dead letters for staff."""
