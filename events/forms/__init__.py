"""Forms of the events pages, one module per part: shape validation only; the services write
and refuse."""
