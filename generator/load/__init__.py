"""Stage 1: read a spec (YAML/JSON, local and remote $refs, Swagger 2.0) into one bundled document."""
