"""BuildKit's errors (a file BuildKit refuses) and its style checks, with dockwise codes."""
