"""``dockwise check``: the rule engine (:mod:`.engine`), rule selection (:mod:`.selection`),
suppression comments (:mod:`.suppressions`), hadolint config (:mod:`.config`) and the
parallel runner (:mod:`.runner`)."""
