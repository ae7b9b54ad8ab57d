"""useradd with a high UID and without ``-l``."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Edit, Finding, Fix, RuleInfo, Severity
from dockwise.rules._run_instructions import _runs
from dockwise.rules.base import CheckTarget, DockerfileRule


class UseraddHighUidWithoutNoLogInit(DockerfileRule):
    info = RuleInfo(
        code="DL3046",
        name="useradd-high-uid-without-l",
        severity=Severity.WARNING,
        summary="`useradd` with a large UID needs `-l` (--no-log-init).",
        rationale=("Without -l useradd writes the user into /var/log/lastlog and faillog, sparse files "
                   "sized by the UID: a 6+ digit UID can add gigabytes to the layer."),
        bad_example="FROM debian:12\nRUN useradd -u 123456 app\n",
        good_example="FROM debian:12\nRUN useradd -l -u 123456 app\n",
        aliases=("hadolint:DL3046",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in _runs(target):
            for command in target.shell(instr).find("useradd"):
                uid = command.option_value("-u", "--uid")
                if uid is None or uid.value is None or len(uid.value) <= 5:
                    continue
                if command.has_option("-l", "--no-log-init") or command.span is None:
                    continue
                name = command.argv[0]
                fix = None
                if name.span is not None:
                    end = name.span.end.offset
                    fix = Fix("add -l (--no-log-init)", (Edit(end, end, " -l"),))
                yield target.finding(
                    self.info,
                    f"`useradd -u {uid.value}` without `-l` writes sparse lastlog/faillog entries "
                    "sized by the UID, which can add gigabytes to the layer; add `-l`",
                    command.span, fix=fix)
