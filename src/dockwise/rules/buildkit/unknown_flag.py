"""Instruction flags BuildKit does not know or that need a value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.syntax.tree import Flag


# name -> True for a boolean flag (``--link``, ``--link=false``), False for one that needs ``=value``.
_NO_FLAGS: dict[str, bool] = {}
FLAGS: dict[str, dict[str, bool]] = {
    "ADD": {"chown": False, "chmod": False, "link": True, "keep-git-dir": True, "checksum": False,
            "exclude": False, "unpack": True},
    "COPY": {"chown": False, "from": False, "chmod": False, "link": True, "parents": True,
             "exclude": False},
    "FROM": {"platform": False},
    "RUN": {"mount": False, "network": False, "security": False, "device": False},
    "HEALTHCHECK": {"interval": False, "timeout": False, "start-period": False,
                    "start-interval": False, "retries": False},
    **{keyword: _NO_FLAGS for keyword in ("CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "MAINTAINER",
                                          "ONBUILD", "SHELL", "USER", "VOLUME", "WORKDIR")},
}


class UnknownFlag(DockerfileRule):
    info = RuleInfo(
        code="DW004",
        name="unknown-instruction-flag",
        severity=Severity.ERROR,
        summary="A `--flag` the instruction does not take (or one missing its value) fails the build.",
        rationale=("BuildKit checks every `--flag` of an instruction against the ones it accepts "
                   "and stops with `Unknown flag: frm` (or `Missing a value on flag`, `Expecting "
                   "boolean value`); a typo such as `COPY --frm=build` never copies anything."),
        bad_example="FROM alpine:3.20\nCOPY --frm=build /out /app\nWORKDIR --chown=1 /app\n",
        good_example="FROM alpine:3.20\nCOPY --from=build --link /out /app\nWORKDIR /app\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            known = FLAGS.get(instr.keyword)
            if known is None or not instr.flags:
                continue
            if instr.keyword == "HEALTHCHECK" and instr.args[:1] and instr.args[0].upper() == "NONE":
                continue  # BuildKit does not parse the flags of HEALTHCHECK NONE
            for flag in instr.flags:
                message = _flag_problem(instr.keyword, flag, known)
                if message:
                    yield target.finding(self.info, message, flag.span)
                    break  # BuildKit stops at the first bad flag


def _flag_problem(keyword: str, flag: "Flag", known: dict[str, bool]) -> str | None:
    if flag.name not in known:
        if not known:
            return (f"{keyword} takes no flags: BuildKit fails with `Unknown flag: {flag.name}`; "
                    f"remove `{flag.raw}`")
        names = ", ".join(f"--{name}" for name in sorted(known))
        return (f"`--{flag.name}` is not a flag of {keyword}: BuildKit fails with `Unknown flag: "
                f"{flag.name}`; {keyword} takes {names}")
    boolean = known[flag.name]
    if not boolean and flag.value is None:
        return (f"`--{flag.name}` needs a value (`--{flag.name}=...`): BuildKit fails with "
                f"`Missing a value on flag: {flag.name}`")
    if boolean and flag.value is not None and flag.value.lower() not in ("true", "false"):
        return (f"`--{flag.name}` takes no value or `=true`/`=false`, not `{flag.value}`: BuildKit "
                "fails with `Expecting boolean value`")
    return None
