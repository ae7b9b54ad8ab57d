"""Fixes: the edit algebra (:mod:`.edits`), the apply-until-stable loop that takes a re-check
function (:mod:`.loop`), and where fixed text goes (:mod:`.output`). Below the engine: nothing
here imports rules or the engine."""
