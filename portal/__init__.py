"""The front door: the public front page and each person's home, gathered from every app."""
