"""Signal handlers of the core."""
