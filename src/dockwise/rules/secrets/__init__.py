"""Rules about secrets baked into the image (names, values, and copied credential files).

Every message redacts the secret: it names the kind of secret and where it is, never its value.
"""
