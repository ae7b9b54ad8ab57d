"""Instruction-level rules: keywords, WORKDIR, COPY/ADD, stages, ONBUILD, ENV, EXPOSE."""
