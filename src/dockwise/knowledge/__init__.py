"""What dockwise knows about the world, kept in one place for every analyzer.

Dockerfile rules, the build-context analyzer and the image analyzer all ask the same
questions (is this file a secret? is this package a build tool? is this directory a package
cache?). Each question has one list here, so the three commands cannot disagree.
This package sits low in the layering: it imports nothing of dockwise but leaf helpers.
"""
