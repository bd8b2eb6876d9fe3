"""Front ends over the library (apiforge.api): the click command line and its commands, the hatchling build hook."""
