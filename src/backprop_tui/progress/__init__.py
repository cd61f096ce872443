"""Where learners' progress lives: a small SQLite store, and the completion certificate."""
