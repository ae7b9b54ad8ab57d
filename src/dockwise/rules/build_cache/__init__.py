"""Rules about the build cache: what invalidates the layers after it."""
