"""One module per CLI command: the work behind each click command."""
