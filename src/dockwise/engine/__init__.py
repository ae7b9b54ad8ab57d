"""The engine: one runner for every rule kind (:mod:`.runner`), rule selection
(:mod:`.selection`), suppression comments (:mod:`.suppressions`), and what each command runs it
over: Dockerfiles (:mod:`.dockerfile`, in processes: :mod:`.parallel`), build contexts
(:mod:`.context`) and images (:mod:`.image`).

Rules are below the engine and know nothing of it; commands are above it.
"""
