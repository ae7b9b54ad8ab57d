"""What the target image is for, and who its process runs as, read from the Dockerfile alone.

An application image runs one program and should carry nothing but what runs it. Other images
have a different point: a language or tool *base* (``CMD ["python3"]``, no process of its own,
ONBUILD triggers) is meant to be extended, a *build* image (``ENTRYPOINT ["make"]``) exists for
its compilers, a *dev* stage is a workbench. Rules about build tools and users ask this module
instead of assuming every image is an application::

    process(model)            # the program the container starts and its arguments, or None
    image_purpose(model)      # ("base"|"build"|"dev", why) or None for an application image
    privilege_drop(model, context_script)   # why the process does not keep root, or None
    base_default_user(stage)  # "root", "nonroot" or "unknown": what the FROM image runs as
    generated(model)          # the file says it is generated from a template ("DO NOT EDIT")
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any, Callable

from dockwise.knowledge import runtime as kb
from dockwise.model.stages import effective_instruction, lineage
from dockwise.model.words import instruction_words

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.model.build import BuildModel, Stage

INIT_WRAPPERS = frozenset({"tini", "tini-static", "dumb-init", "docker-init", "catatonit", "env"})
SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})
BIN_DIRS = ("/usr/local/bin/", "/usr/local/sbin/", "/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/", "/etc/")


def _words(model: "BuildModel", instr: Any) -> list[str]:
    return [w.value for w in instruction_words(instr, model.dockerfile.escape)]


def _strip_wrappers(words: list[str]) -> list[str]:
    """``tini -- app``, ``dumb-init app``, ``env A=1 app``, ``sh -c "exec app --x"``: ``app ...``."""
    while words:
        name = posixpath.basename(words[0])
        if name in INIT_WRAPPERS:
            words = words[1:]
            while words and (words[0].startswith("-") or "=" in words[0]):
                done = words[0] == "--"
                words = words[1:]
                if done:
                    break
            continue
        if name in SHELLS and len(words) >= 3 and words[1] == "-c":
            inner = words[2].split()
            while inner and inner[0] in ("exec", "set", "-e", "-x", "&&"):
                inner = inner[1:]
            words = inner
            continue
        return words
    return words


def process(model: "BuildModel") -> list[str] | None:
    """The command the final stage's container starts (ENTRYPOINT then CMD, wrappers such as
    tini, ``env`` and ``sh -c`` removed), as this file defines it; None when the file defines
    none (the base image's applies). An ``*entrypoint*`` script that ends in ``exec "$@"`` hands
    over to CMD, so with one the CMD names the program."""
    final = model.final_stage
    if final is None:
        return None
    entry = effective_instruction(final, "ENTRYPOINT")
    cmd = effective_instruction(final, "CMD")
    entry_words = _strip_wrappers(_words(model, entry)) if entry is not None else []
    cmd_words = _strip_wrappers(_words(model, cmd)) if cmd is not None else []
    if entry_words and "entrypoint" not in posixpath.basename(entry_words[0]).lower():
        return entry_words + cmd_words
    return cmd_words or None


def program(words: list[str] | None) -> str | None:
    return posixpath.basename(words[0]) if words else None


def _entrypoint_program(model: "BuildModel", final: "Stage") -> bool:
    """The image's ENTRYPOINT is a program of its own (not absent, not an ``*entrypoint*`` script
    handing over to CMD)."""
    entry = effective_instruction(final, "ENTRYPOINT")
    words = _strip_wrappers(_words(model, entry)) if entry is not None else []
    return bool(words) and "entrypoint" not in posixpath.basename(words[0]).lower()


def _copies_application(model: "BuildModel", final: "Stage") -> bool:
    """True when the target takes files from the build context other than helper scripts
    (``COPY docker-entrypoint.sh /usr/local/bin/``): an application is being packaged."""
    for stage in lineage(final):
        for instr in stage.instructions:
            if instr.keyword not in ("COPY", "ADD") or instr.flag("from") is not None:
                continue
            words = _words(model, instr)
            if len(words) < 2:
                continue
            *sources, dest = words
            if dest.startswith(BIN_DIRS) or dest.startswith("/docker-entrypoint"):
                continue
            if all(s.endswith((".sh", ".envsh")) or "entrypoint" in s
                   or posixpath.basename(s) in kb.DEPENDENCY_MANIFESTS for s in sources):
                continue  # helper scripts, or the dependency list a base image preinstalls
            return True
    return False


def _interactive(words: list[str]) -> bool:
    """``python3``, ``php -a``, ``bash``, ``irb``: an interpreter or shell with no program to run."""
    return program(words) in kb.INTERACTIVE_PROGRAMS and all(w.startswith("-") for w in words[1:])


def image_purpose(model: "BuildModel") -> tuple[str, str] | None:
    """Why the target image is not an application image: ``("dev", ...)`` for a development
    stage or dev-container base, ``("build", ...)`` when its process builds software,
    ``("base", ...)`` for an image meant to be extended (ONBUILD triggers, an interactive
    interpreter as its command, or no process of its own and no application copied in).
    None for an application image. Memoised per model."""
    derived = model.derived
    if "purpose" not in derived:
        derived["purpose"] = _purpose(model)
    return derived["purpose"]


def _purpose(model: "BuildModel") -> tuple[str, str] | None:
    final = model.final_stage
    if final is None:
        return None
    name = final.name or ""
    if name in kb.DEV_STAGE_NAMES or name.startswith("dev-") or name.endswith("-dev"):
        return ("dev", f"the target is the development stage `{final.name}`")
    root_ref = lineage(final)[-1].base_ref
    if root_ref is not None and f"{root_ref.registry}/{root_ref.repository}".startswith(kb.DEV_BASE_PREFIXES) \
            or root_ref is not None and root_ref.familiar_name.startswith(kb.DEV_BASE_PREFIXES):
        return ("dev", f"the target is built FROM the dev-container image `{root_ref.familiar_name}`")
    if any(i.keyword == "ONBUILD" for stage in lineage(final) for i in stage.instructions):
        return ("base", "the image has ONBUILD triggers: it is a base for other builds")
    words = process(model)
    prog = program(words)
    if prog is not None and (prog in kb.BUILD_DRIVERS or kb.BUILD_SCRIPT_NAME.search(words[0])):
        return ("build", f"the image's process is `{prog}`: building software is its point")
    if words is not None and _interactive(words) and not _entrypoint_program(model, final):
        # `CMD ["python3"]` is a language image's REPL; `ENTRYPOINT ["python"]` runs the
        # user's scripts, an application runner like any other
        return ("base", f"the image's command is the interactive `{' '.join(words)}`: a base to extend")
    if prog is not None and _server(prog) and not _copies_application(model, final):
        return ("base", f"the image runs `{prog}` but copies in nothing to serve: a base for sites and apps")
    if words is None and not _copies_application(model, final):
        return ("base", "the file defines no process and copies no application: a base or tool image")
    return None


def _server(name: str) -> bool:
    return name in kb.SELF_DROPPING_DAEMONS or bool(kb.SELF_DROPPING_DAEMON_PATTERN.fullmatch(name))


def _dropper_in_process(words: list[str] | None) -> str | None:
    if not words:
        return None
    name = program(words)
    if name in kb.PRIVILEGE_DROPPERS:
        return f"its process starts through `{name}`"
    return None


def _self_dropping(words: list[str] | None) -> str | None:
    name = program(words)
    if name is not None and (name in kb.SELF_DROPPING_DAEMONS
                             or kb.SELF_DROPPING_DAEMON_PATTERN.fullmatch(name)):
        return f"`{name}` starts as root and runs its workers as the user its configuration names"
    return None


def _installed_dropper(model: "BuildModel", final: "Stage") -> str | None:
    for stage in lineage(final):
        for instr in stage.instructions:
            if instr.keyword in ("RUN", "COPY", "ADD"):
                found = kb.DEDICATED_DROPPER_WORD.search(instr.body)
                if found:
                    return f"the image installs `{found.group(1)}` to step down from root at start-up"
    return None


def privilege_drop(model: "BuildModel",
                   script_text: Callable[[str], str | None] | None = None) -> str | None:
    """Why the target's process does not keep root although no USER is set, or None: the
    entrypoint runs through gosu/su-exec/setpriv..., the image installs such a tool (gosu is
    installed for nothing else), the process is a daemon that drops to its own user (nginx,
    httpd, php-fpm), or the entrypoint script switches user (``script_text(path)`` returns the
    text of a script the image runs, when the build context is at hand)."""
    final = model.final_stage
    if final is None:
        return None
    entry = effective_instruction(final, "ENTRYPOINT")
    entry_words = _strip_wrappers(_words(model, entry)) if entry is not None else None
    words = process(model)
    for reason in (_dropper_in_process(entry_words), _dropper_in_process(words), _self_dropping(words),
                   _installed_dropper(model, final)):
        if reason:
            return reason
    if script_text is not None:
        for candidate in (entry_words, words):
            if candidate:
                text = script_text(candidate[0])
                if text and kb.SCRIPT_USER_SWITCH.search(text):
                    return f"its entrypoint script `{candidate[0]}` switches to another user"
    return None


def base_default_user(stage: "Stage") -> str:
    """What the image ``stage`` is built FROM runs as when the file sets no USER: ``"root"`` for
    Docker's official images (their convention), ``"nonroot"`` for images known to set a user or
    to step down in their entrypoint, ``"unknown"`` for any other image (its config is not read)."""
    root = lineage(stage)[-1]
    ref = root.base_ref
    if root.is_scratch:
        return "root"
    if ref is None:
        return "unknown"
    full = f"{ref.registry}/{ref.repository}"
    if any(h in (ref.tag or "") or h in ref.repository for h in kb.NONROOT_BASE_HINTS):
        return "nonroot"
    if full.startswith(kb.NONROOT_REGISTRY_PREFIXES) and "-dev" not in (ref.tag or ""):
        return "nonroot"
    if ref.familiar_name.startswith(kb.NONROOT_REPOSITORY_PREFIXES):
        return "nonroot"
    if ref.is_official:
        return "nonroot" if ref.name in kb.OFFICIAL_NONROOT_IMAGES else "root"
    if full.startswith(kb.ROOT_REGISTRY_PREFIXES):
        return "root"
    return "unknown"


def generated(model: "BuildModel") -> bool:
    """The file says, in a comment before its first instruction, that a tool writes it ("DO NOT
    EDIT", "generated by/via"): its variant matrix (base tags, JDK or JRE) is the generator's
    design, so findings about those choices belong to the template, not to this copy."""
    derived = model.derived
    if "generated" not in derived:
        tree = model.dockerfile
        first = tree.instructions[0].span.start.offset if tree.instructions else len(tree.source)
        derived["generated"] = any(c.span.start.offset < first and kb.GENERATED_MARKER.search(c.text)
                                   for c in tree.comments)
    return derived["generated"]
