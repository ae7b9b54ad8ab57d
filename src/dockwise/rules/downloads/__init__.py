"""Rules about fetching files in a build: curl and wget options, plain http, gpg."""
