"""Family: image labels checked against the team's label schema (hadolint's ``label-schema``).

A ``.hadolint.yaml`` may declare the labels every image must carry and what each holds::

    label-schema:
      org.opencontainers.image.source: url
      org.opencontainers.image.licenses: spdx
      org.opencontainers.image.revision: hash
    strict-labels: true        # and no other labels

Every label of the schema is required (DL3049); with ``strict-labels`` a label outside it is a
finding (DL3050); a schema label that is set must not be empty (DL3051) and must hold its type:
url (DL3052), rfc3339 (DL3053), spdx (DL3054), hash (DL3055), semver (DL3056), email (DL3058).
Without a schema these rules find nothing. Values are judged after ARG/ENV expansion; a value
that depends on something unknown at lint time (an ARG without default) is not judged.
``ONBUILD LABEL`` labels the images built *from* this one, so it is not counted here.
"""
