"""curl without ``--fail``: an HTTP error page is saved or piped as if it were the file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dockwise._lazyre import lazy_compile
from dockwise.findings import Edit, Finding, Fix, RuleInfo, Severity
from dockwise.rules._downloads import curl_urls, option_values, path_key, validates_input, verified_after
from dockwise.rules._runs import Run, insert_after, iter_runs, name_word
from dockwise.rules.base import CheckTarget, DockerfileRule


CURL_INFO_ONLY = ("--version", "-V", "--help", "-h", "--manual", "-M", "-I", "--head")
CURL_FAIL = ("-f", "--fail", "--fail-with-body")


_SHORT_CLUSTER = lazy_compile(r"-[A-Za-z]+")


# ================================================================ curl --fail

def _stdout_consumed(script: Any, command: Any) -> str | None:
    """How the command's standard output is used: "piped" into a later command of its pipeline,
    "captured" by ``$(...)``/``<(...)``, "saved" by a redirect; None when it only reaches the log."""
    if any(r.writes_file for r in command.redirects):
        return "saved"
    if command.pipeline is not None and any(
            other.pipeline == command.pipeline and other.pipeline_index > command.pipeline_index
            for other in script.commands):
        return "piped"
    if command.in_substitution:
        return "captured"
    return None


def curl_output_use(script: Any, command: Any) -> str | None:
    """"saved"/"piped"/"captured" when curl's response body is used, else None."""
    outputs = [path_key(w) for w in option_values(command, "-o", "--output")]
    if command.has_option("-O", "--remote-name", "--remote-name-all"):
        return "saved"
    if any(o != "-" and not o.startswith("/dev/") for o in outputs):
        return "saved"
    if outputs and all(o.startswith("/dev/") for o in outputs):
        return None
    return _stdout_consumed(script, command)


def _checks_status_itself(command: Any) -> bool:
    """``-w '%{http_code}'``: the script reads the status and decides."""
    return any("http_code" in path_key(w) or "response_code" in path_key(w)
               for w in option_values(command, "-w", "--write-out"))


_NON_HTTP = ("file:", "ftp:", "ftps:", "sftp:", "scp:", "smb:", "smbs:", "ldap:", "ldaps:", "dict:",
             "tftp:", "telnet:", "gopher:", "mqtt:", "imap:", "imaps:", "pop3:", "pop3s:", "smtp:",
             "smtps:", "rtsp:")


def _only_non_http(command: Any) -> bool:
    urls = [path_key(w).lower() for w in curl_urls(command)]
    return bool(urls) and all(u.startswith(_NON_HTTP) for u in urls)


def _add_fail_fix(run: Run, command: Any) -> Fix | None:
    """``curl -sSL`` -> ``curl -fsSL``; else ``curl -f ...`` right after the command name."""
    takes = command.value_options()
    previous = None
    for word in command.args:
        value = word.value
        if value == "--":
            break
        if (value is not None and word.text == value and _SHORT_CLUSTER.fullmatch(value)
                and not (previous is not None and _consumes_value(previous, takes))
                and word.span is not None and not run.run.json_form):
            at = word.span.start.offset + 1
            return Fix("add -f to curl", (Edit(at, at, "f"),))
        previous = value
    return insert_after(run, name_word(command), " -f", "add -f to curl")


def _consumes_value(option: str | None, takes: frozenset[str]) -> bool:
    if not option or not option.startswith("-") or option == "-":
        return False
    if option.startswith("--"):
        return "=" not in option and option in takes
    return "-" + option[-1] in takes


def _error_page_stops_the_build(script: Any, command: Any, use: str) -> bool:
    """An HTML error page cannot pass for the file when a checksum or signature check of the
    download follows, or when it is piped into something that rejects it (``| tar -xz``,
    ``| sha256sum -c``): the build stops there, if one step later than with ``-f``."""
    if use == "saved":
        return verified_after(script, command)
    if use == "piped":
        members = [c for c in script.commands if c.pipeline == command.pipeline]
        return bool(members) and validates_input(max(members, key=lambda c: c.pipeline_index))
    return False


class CurlWithoutFail(DockerfileRule):
    info = RuleInfo(
        code="DW951", name="curl-without-fail", severity=Severity.WARNING,
        summary="curl's output is used, but without `-f` an HTTP error page counts as success.",
        rationale="Without `--fail`, curl exits 0 when the server answers 404 or 500 and writes "
                  "the error page where the file should go, or pipes it on: the build carries on "
                  "with an HTML page as its tarball, key or install script and breaks later with a "
                  "confusing message -- or, piped into a shell, runs it. `-f` makes curl exit "
                  "non-zero so the RUN stops at the real cause (`-fsSL` is the usual set; "
                  "`--fail-with-body` also keeps the page for the log). Where a checksum check or "
                  "`tar -xz` catches the page, the build still stops, but at a misleading error.",
        bad_example="RUN curl -sSL -o /tmp/app.tar.gz https://example.com/app-1.2.3.tar.gz",
        good_example="RUN curl -fsSL -o /tmp/app.tar.gz https://example.com/app-1.2.3.tar.gz",
        aliases=("binnacle:curlUseFlagF",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            for command in run.find("curl"):
                if (command.has_option(*CURL_FAIL) or command.has_option(*CURL_INFO_ONLY)
                        or command.has_option("-K", "--config") or _checks_status_itself(command)
                        or _only_non_http(command)):
                    continue
                use = curl_output_use(run.script, command)
                if use is None:
                    continue
                what = {"saved": "saves the response body",
                        "piped": "pipes the response body on",
                        "captured": "substitutes the response body into the command line"}[use]
                word = name_word(command)
                if _error_page_stops_the_build(run.script, command, use):
                    effect = ("the next step (a checksum check, `tar -xz`) then fails on the error "
                              "page with a misleading message instead of the HTTP status")
                else:
                    effect = "the error page is used as if it were the real content and the build goes on"
                yield target.finding(
                    self.info,
                    f"curl without `-f` {what} even when the server answers with an HTTP error "
                    f"(404, 500): {effect}. Add `-f` (`curl -fsSL ...`).",
                    word.span if word is not None and word.span else command.span,
                    fix=_add_fail_fix(run, command))
