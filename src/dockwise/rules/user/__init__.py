"""Rules about who the container runs as, and commands that need a user they no longer have."""
