"""go install: pins."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._runs import unpinned_finding
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.packages._languages import known_operands, tool_calls


# ---------------------------------------------------------------- go

GO_VALUE_OPTIONS = frozenset({"-o", "-C", "-ldflags", "-tags", "-gcflags", "-mod", "-p", "-modfile",
                              "-asmflags", "-buildmode", "-compiler", "-pkgdir", "-toolexec", "-overlay",
                              "-exec", "-pgo", "-gccgoflags", "-installsuffix", "-covermode", "-coverpkg"})
GO_FLOATING = ("latest", "master", "main", "head", "upgrade", "patch")


def go_package_pinned(text: str) -> bool:
    if text.startswith(("/", "./", "../")) or text in (".", "..") or text.startswith("./"):
        return True
    module, at, version = text.partition("@")
    return bool(at) and version.lower() not in GO_FLOATING and bool(version)


class GoPinVersions(DockerfileRule):
    info = RuleInfo(
        code="DL3062", name="go-pin-versions", severity=Severity.WARNING,
        summary="Pin versions in `go install`/`go get`/`go run` (`<module>@<version>`).",
        rationale="Without a version (or with `@latest`) Go resolves the newest release at build time: "
                  "rebuilds of the same Dockerfile install different tools, and a breaking release "
                  "breaks the build.",
        bad_example="RUN go install golang.org/x/tools/gopls@latest",
        good_example="RUN go install golang.org/x/tools/gopls@v0.16.2",
        aliases=("hadolint:DL3062",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in tool_calls(target, ("go",), GO_VALUE_OPTIONS):
            if inv.sub not in ("install", "get", "run"):
                continue
            operands = known_operands(target, run, inv)
            if inv.sub == "run":
                operands = operands[:1]  # the rest are the program's own arguments
            unpinned = [(w, t.partition("@")[0]) for w, t in operands if not go_package_pinned(t)]
            if unpinned:
                yield unpinned_finding(target, self.info, inv, unpinned, "the Go module proxy",
                                       "{}@<version>")
