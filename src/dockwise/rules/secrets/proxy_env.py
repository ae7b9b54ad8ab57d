"""The build's proxy settings copied into ENV: every container of the image uses them."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.model.stages import ships
from dockwise.model.words import assignments, word_span
from dockwise.rules.base import CheckTarget, DockerfileRule

# Docker passes these to every build as predefined ARGs; none needs an ENV to reach a RUN.
PROXY_VARIABLES = frozenset({"http_proxy", "https_proxy", "ftp_proxy", "all_proxy"})


class ProxyInEnv(DockerfileRule):
    info = RuleInfo(
        code="DW914", name="proxy-setting-in-env", severity=Severity.WARNING,
        summary="A proxy setting is stored with ENV, so every container of the image uses the build's proxy.",
        rationale="`HTTP_PROXY`, `HTTPS_PROXY`, `FTP_PROXY` and `ALL_PROXY` (either case) are "
                  "predefined build arguments: `docker build --build-arg HTTP_PROXY=...` reaches "
                  "every RUN without any ENV, and is kept out of the image. Copied into ENV, the "
                  "build network's proxy -- often with a user and password in the URL -- is stored "
                  "in the image config for anyone who pulls it (`docker inspect`), and every "
                  "container sends its traffic through it, where it may not exist or may log it. "
                  "Drop the ENV line; pass the proxy with `--build-arg` at build time and `-e` at "
                  "run time where it is needed.",
        bad_example="FROM debian:12.8\nARG HTTP_PROXY\nENV HTTP_PROXY=$HTTP_PROXY\n",
        good_example="RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n"
                     " && rm -rf /var/lib/apt/lists/*",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for stage in target.model.stages:
            for instr in stage.instructions:
                if instr.keyword != "ENV" or not ships(target.model, instr):
                    continue
                for pair in assignments(instr, target.dockerfile.escape):
                    if pair.name_text.lower() not in PROXY_VARIABLES or not (pair.value or "").strip():
                        continue
                    yield target.finding(
                        self.info,
                        f"`ENV {pair.name_text}` stores the proxy in the image config: anyone who "
                        f"pulls the image reads it (with any password in the URL), and every "
                        f"container routes its traffic through it. Remove the ENV: `--build-arg "
                        f"{pair.name_text}=...` already reaches every RUN without being stored.",
                        word_span(instr, pair.name))
