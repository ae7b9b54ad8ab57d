"""DC001/DC002: a context that sends what should stay on the developer's machine."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.context.analyze import plural
from dockwise.units import human_bytes
from dockwise.context.check import ContextRule, ContextTarget
from dockwise.context.rules._common import FIX_HINT, dockerignore_fix, listing
from dockwise.examples import ContextExample
from dockwise.findings import Finding, RuleInfo, Severity


class MissingDockerignore(ContextRule):
    info = RuleInfo(
        code="DC001",
        name="missing-dockerignore",
        severity=Severity.WARNING,
        summary="The build context has no .dockerignore but holds files that should not be sent.",
        rationale=("Without .dockerignore `docker build` uploads the whole directory: git history, "
                   "node_modules, virtualenvs, caches and .env files. Every build pays for the upload, "
                   "`COPY . .` bakes all of it into a layer and invalidates the cache on any change."),
        bad_example=ContextExample({"Dockerfile": "FROM node:22-slim\nCOPY . /app\n",
                                    ".git/HEAD": "ref: refs/heads/main\n",
                                    "node_modules/react/index.js": 2 << 20, ".env": "DB_PASSWORD=hunter2\n",
                                    "src/index.js": "console.log('hello')\n"}),
        good_example=ContextExample({"Dockerfile": "FROM node:22-slim\nCOPY . /app\n",
                                     ".git/HEAD": "ref: refs/heads/main\n",
                                     "node_modules/react/index.js": 2 << 20, ".env": "DB_PASSWORD=hunter2\n",
                                     "src/index.js": "console.log('hello')\n",
                                     ".dockerignore": ".git\nnode_modules\n.env\n"}),
        fixable=True,  # .dockerignore lines: check --fix and context --write-dockerignore add them
    )

    def check(self, target: ContextTarget) -> Iterator[Finding]:
        if target.ignore is not None:
            return
        heavy = [(h.path + "/", h.sent_bytes) for h in target.unwanted_dirs]
        secrets = [(s.path, s.size) for s in target.secrets]
        logs = [(f.path, f.size) for f in target.large_files if f.kind == "log"]
        large = [(f.path, f.size) for f in target.large_files if f.kind != "log"]
        if not (heavy or secrets or logs or large):
            return
        parts = []
        if heavy:
            parts.append("heavy directories " + listing(heavy))
        if secrets:
            parts.append("secrets " + ", ".join(p for p, _ in secrets[:5]))
        if logs:
            parts.append("logs " + listing(logs))
        if large:
            parts.append("large files " + listing(large))
        total = human_bytes(target.scan.total_bytes)
        finding = target.at_context(
            self.info,
            f"no .dockerignore: the whole context ({total}) is sent to the builder, including "
            + "; ".join(parts) + f"; {FIX_HINT}",
            heavy=heavy, secrets=[p for p, _ in secrets])
        finding.fix = dockerignore_fix(target, None)
        yield finding


class DockerignoreMissesHeavyDir(ContextRule):
    info = RuleInfo(
        code="DC002",
        name="dockerignore-misses-heavy-directory",
        severity=Severity.WARNING,
        summary=".dockerignore does not exclude a heavy directory present in the context.",
        rationale=("Directories such as .git, node_modules, virtualenvs, caches and build output are "
                   "large, machine-specific and rebuilt inside the image anyway. Sending them slows "
                   "every build and `COPY . .` puts them into the image."),
        bad_example=ContextExample({".dockerignore": "*.md\n", "node_modules/react/index.js": 300 << 20,
                                    "Dockerfile": "FROM node:22-slim\nCOPY . /app\n"}),
        good_example=ContextExample({".dockerignore": "*.md\nnode_modules\n", "node_modules/react/index.js": 300 << 20,
                                     "Dockerfile": "FROM node:22-slim\nCOPY . /app\n"}),
        fixable=True,  # .dockerignore lines: check --fix and context --write-dockerignore add them
    )

    def check(self, target: ContextTarget) -> Iterator[Finding]:
        if target.ignore is None:
            return
        for heavy in target.unwanted_dirs:
            finding = target.at_context(
                self.info,
                f"{heavy.path}/ ({heavy.why}; {plural(heavy.sent_files, 'file')}, {human_bytes(heavy.sent_bytes)}) "
                f"is sent to the builder because .dockerignore does not exclude it; {FIX_HINT}",
                path=heavy.path, bytes=heavy.sent_bytes)
            finding.fix = dockerignore_fix(target, [heavy.path])
            yield finding
