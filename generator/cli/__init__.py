"""Front ends: the click command line, its commands, progress reporting and the hatchling build hook."""
