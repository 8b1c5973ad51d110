"""Domain operations: every function takes the session, the acting user and the current time."""
