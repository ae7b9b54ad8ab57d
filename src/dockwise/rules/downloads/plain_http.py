"""Downloads over plain http without a checksum or signature check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._downloads import DOWNLOADERS, curl_urls, verified_after
from dockwise.rules._runs import expanded, iter_runs
from dockwise.rules.base import CheckTarget, DockerfileRule


_IPV4 = lazy_compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})")


# ================================================================ http:// downloads

def _host(url: str) -> str | None:
    """The host of an ``http://`` URL (lower case), None when it is not literal."""
    rest = url[len("http://"):]
    authority = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    authority = authority.rsplit("@", 1)[-1]
    if authority.startswith("["):
        host = authority[1:].split("]", 1)[0]
    else:
        host = authority.split(":", 1)[0]
    if not host or any(c in host for c in "$`{}()\\\"'"):
        return None
    return host.lower().rstrip(".")


_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".test", ".example",
                   ".invalid")


def is_local_host(host: str) -> bool:
    """Loopback, private and link-local addresses, and names that cannot be public: a download
    from them never crosses the internet (``nexus:8081``, ``host.docker.internal``)."""
    if host in ("localhost", "::1", "0.0.0.0") or "." not in host and ":" not in host:
        return True
    if host.endswith(_LOCAL_SUFFIXES):
        return True
    match = _IPV4.fullmatch(host)
    if match:
        a, b = int(match.group(1)), int(match.group(2))
        return (a in (10, 127) or (a == 172 and 16 <= b <= 31) or (a == 192 and b == 168)
                or (a == 169 and b == 254) or (a == 100 and 64 <= b <= 127))
    return host.startswith(("fc", "fd", "fe80:")) and ":" in host


def plain_http_host(url: str) -> str | None:
    """The host when ``url`` fetches over plain http from a host that is not local, else None."""
    if not url[:7].lower() == "http://":
        return None
    host = _host(url)
    if host is None or is_local_host(host):
        return None
    return host


def _url_words(command: Any) -> list[Any]:
    if command.name == "curl":
        return curl_urls(command)
    if command.has_option("--spider"):
        return []
    return command.positionals()


class DownloadOverHttp(DockerfileRule):
    info = RuleInfo(
        code="DW952", name="download-over-http", severity=Severity.WARNING,
        summary="A file is downloaded over plain `http://`.",
        rationale="Over plain http anyone on the path (a café Wi-Fi, a compromised proxy or mirror, "
                  "a hostile network between the CI runner and the server) can swap the file, and "
                  "the build installs what it got. Use the https URL, and pin what you expect with "
                  "a checksum (`sha256sum -c`) or a signature so a swapped file fails the build. "
                  "Where a checksum or signature check follows in the same RUN (or ADD --checksum "
                  "is set) the finding is only informational.",
        bad_example="RUN curl -fsSLo /tmp/go.tgz http://dl.google.com/go/go1.23.4.linux-amd64.tar.gz",
        good_example="RUN curl -fsSLo /tmp/go.tgz https://dl.google.com/go/go1.23.4.linux-amd64.tar.gz",
        aliases=("binnacle:curlUseHttpsUrl", "binnacle:wgetUseHttpsUrl"),
        other_severities=(Severity.INFO,),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            for command in run.find(*DOWNLOADERS):
                for word in _url_words(command):
                    url = expanded(target, run, word)
                    host = plain_http_host(url)
                    if host is None:
                        continue
                    yield self._finding(target, word.span or command.span, command.name, host,
                                        verified_after(run.script, command))
        yield from self._add_urls(target)

    def _add_urls(self, target: CheckTarget) -> Iterator[Finding]:
        from dockwise.model.words import instruction_words, word_span
        from dockwise.model.stages import all_instructions

        for instr in all_instructions(target.model):
            if instr.keyword != "ADD" or instr.heredocs:
                continue
            words = instruction_words(instr, target.dockerfile.escape)
            for word in words[:-1]:
                if "://" not in word.value:
                    continue
                host = plain_http_host(target.model.expand(word.value, instr).text)
                if host is not None:
                    yield self._finding(target, word_span(instr, word), "ADD", host,
                                        instr.flag("checksum") is not None)

    def _finding(self, target: CheckTarget, span: Any, tool: str, host: str, verified: bool) -> Finding:
        if verified:
            return target.finding(
                self.info,
                f"{tool} fetches from {host} over plain http; the checksum or signature check that "
                f"follows catches a swapped file, but use https anyway (the request and what it "
                f"reveals stay private, and a tampered file fails earlier).",
                span, severity=Severity.INFO)
        return target.finding(
            self.info,
            f"{tool} fetches from {host} over plain http: anyone on the network path can swap the "
            f"file and the build installs it. Use https, and check a pinned checksum "
            f"(`echo \"<sha256>  file\" | sha256sum -c -`).",
            span)
