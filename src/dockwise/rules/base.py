"""What a Dockerfile rule is, and what it sees.

A rule is a class in any module of ``dockwise.rules`` (one module per rule family)::

    class AptGetNoInstallRecommends(DockerfileRule):
        info = RuleInfo(code="DL3015", name="apt-get-install-recommends", ...)

        def check(self, target: CheckTarget) -> Iterator[Finding]:
            for stage in target.model.stages: ...
                yield target.finding(self.info, "message", span)

The catalogue (:mod:`dockwise.catalog`) finds it; nothing else needs editing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

from dockwise._record import DataRecord
from dockwise.findings import DockerfileRule, Finding, Fix, Location, RuleInfo, Severity, Target, span_location

T = TypeVar("T")

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.config import LintConfig
    from dockwise.context.check import BuildContext
    from dockwise.model import BuildModel
    from dockwise.model.shell import ShellScript
    from dockwise.syntax.tree import Dockerfile, Instruction, Span


__all__ = ["CheckTarget", "DockerfileRule"]


class CheckTarget(DataRecord, Target):
    """One Dockerfile as rules see it: its path, syntax tree and build model, the hadolint
    config in effect for it (label schema, trusted registries; empty when there is none), and
    its build context.

    ``context`` is the one read of the build context ``docker build .`` beside the file would
    send (the same :class:`~dockwise.context.check.BuildContext` the ``DC`` rules share; ask it
    with ``lookup``/``head``, it honours ``.dockerignore``). It is None when there is none at
    hand -- stdin, ``--no-context``, a context that cannot be read -- and a rule then judges
    by names alone: rules never open context files themselves.

    ``registry`` answers what a base image's registry says (``lookup(reference, platform)``,
    :mod:`dockwise.image.registry.facts`); it is None unless ``dockwise check --registry``
    asked for it, and the rules that need it are then silent."""

    __slots__ = ("path", "dockerfile", "model", "_memo", "config", "context", "registry")

    path: str
    dockerfile: "Dockerfile"
    model: "BuildModel"
    _memo: dict[Hashable, Any]
    config: "LintConfig"
    context: "BuildContext | None"
    registry: Any

    def __init__(self, path: str, dockerfile: "Dockerfile", model: "BuildModel",
                 _memo: dict[Hashable, Any] | None = None,
                 config: "LintConfig | None" = None, context: "BuildContext | None" = None,
                 registry: Any = None) -> None:
        self.path = path
        self.dockerfile = dockerfile
        self.model = model
        self._memo = {} if _memo is None else _memo
        if config is None:
            from dockwise.config import EMPTY as config
        self.config = config
        self.context = context
        self.registry = registry

    def finding(self, info: RuleInfo, message: str, span: "Span | None" = None, *,
                severity: Severity | None = None, fix: Fix | None = None, **extra: Any) -> Finding:
        """A finding of rule ``info`` at ``span`` (1-based line/column, exclusive end), or about
        the whole file when there is no span: :meth:`Target.finding`."""
        return Target.finding(self, info, message, span, severity=severity, fix=fix, **extra)

    def locate(self, at: Any) -> Location:
        if at is None:
            return Location(self.path)
        if isinstance(at, Location):
            return at
        return span_location(self.path, at)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Per-file memo shared by rules: ``compute()`` runs once per ``key`` for this file."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value

    def shell(self, instruction: "Instruction") -> "ShellScript":
        """The parsed shell script of a RUN under the shell it really gets (the SHELL
        instruction, else hadolint's ``# hadolint shell=`` pragma, else ``cmd`` on a Windows
        base), parsed once per model."""
        from dockwise.model.runs import run_script

        return run_script(self.model, instruction)
