"""DC004, DC005, DC010: .dockerignore lines that do nothing or not what they seem to say."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockwise._lazyre import lazy_compile
from dockwise.context.analyze import HEAVY_DIRS
from dockwise.context.check import ContextRule, ContextTarget
from dockwise.context.ignorefile import IgnoreLine
from dockwise.context.patterns import BadPatternError, compile_pattern
from dockwise.examples import ContextExample
from dockwise.findings import Finding, RuleInfo, Severity

# Lines many projects keep "just in case"; not matching anything is fine for them.
_DEFENSIVE = lazy_compile(r"^(\*\*/)?(\.env.*|\*\.log|\*\.pyc|\*\.pyo|\*\.swp|\.DS_Store|Thumbs\.db|\*\.md|"
                        r"README.*|LICENSE|Dockerfile.*|\.dockerignore|docker-compose.*|\.git.*|"
                        r"\.hg|\.svn|coverage|\.coverage|\*\.egg-info|\.idea|\.vscode|npm-debug\.log.*|"
                        r"yarn-error\.log|logs?|tmp|temp)(/\*\*)?$")
_META = set("*?[]\\")


def _is_defensive(pattern: str) -> bool:
    """A line kept "just in case": a well-known name, or any ``**/`` pattern -- written to match
    at every depth, it is a net for what may appear (``docker init`` writes two dozen such
    lines, for .NET, Helm, Python and Node projects alike), not a path that went stale."""
    body = pattern.lstrip("!")
    if body.startswith("**/"):
        return True
    name = re.sub(r"^(\*\*/)+", "", body).removesuffix("/**")
    return name in HEAVY_DIRS or bool(_DEFENSIVE.match(body))


def _looks_like_comment(raw: str) -> bool:
    text = raw.strip()
    return text.startswith("#") or " #" in text or "\t#" in text


class PatternMatchesNothing(ContextRule):
    info = RuleInfo(
        code="DC004",
        name="dockerignore-pattern-matches-nothing",
        severity=Severity.INFO,
        summary="A .dockerignore pattern matches no path in the build context.",
        rationale=("A pattern that matches nothing is usually a stale path or a typo (a gitignore "
                   "habit such as `*.pyc` that matches only in the root here), so what it was meant "
                   "to keep out is still sent."),
        bad_example=ContextExample({".dockerignore": "src/old-module\n", "src/app.py": "print('hello')\n"}),
        good_example=ContextExample({".dockerignore": "**/*.pyc\n", "src/app.py": "print('hello')\n"}),
    )

    def check(self, target: ContextTarget) -> Iterator[Finding]:
        if target.ignore is None:
            return
        scan = target.scan
        paths = [*scan.files, *scan.dirs, *scan.excluded]
        try:
            matcher = target.ignore.matcher
        except BadPatternError:
            return  # BuildKit refuses the file: that error is reported, not its lines
        # the patterns matching some path, and some base name, found path by path (the
        # matcher's indexes keep this linear in paths + patterns)
        matched: set[int] = set()
        for path in paths:
            matched |= matcher.all_matches(path)
        matched_names: set[int] | None = None
        for index, entry in enumerate(target.ignore.lines):
            if _is_defensive(entry.pattern) or _looks_like_comment(entry.raw):
                continue  # defensive lines are fine; comment-like lines are DC005's
            if index in matched:
                continue
            if "/" not in entry.pattern:
                if matched_names is None:
                    matched_names = set()
                    for name in {p.rsplit("/", 1)[-1] for p in paths}:
                        matched_names |= matcher.all_matches(name)
                if index in matched_names:
                    continue  # matches nested names only: DC010 says what to write instead
            yield target.at_ignore_line(
                self.info,
                f"pattern {entry.pattern!r} matches nothing in the context (directories excluded as a "
                "whole are not looked into); remove it or fix the path",
                entry.line, entry.column, entry.end_column)


class SuspiciousPattern(ContextRule):
    info = RuleInfo(
        code="DC005",
        name="dockerignore-suspicious-line",
        severity=Severity.WARNING,
        summary="A .dockerignore line that probably means something other than what BuildKit reads.",
        rationale=("`#` starts a comment only in column 1, `\\` is an escape and not a path "
                   "separator, and surrounding blanks and `./` are silently removed: such lines "
                   "often exclude nothing, so the files they name are still sent."),
        bad_example=ContextExample({".dockerignore": "node_modules  # deps\nbin\\Debug\n  # indented comment\n"}),
        good_example=ContextExample({".dockerignore": "# deps\nnode_modules\nbin/Debug\n"}),
        other_severities=(Severity.STYLE,),
    )

    def check(self, target: ContextTarget) -> Iterator[Finding]:
        if target.ignore is None:
            return
        for entry in target.ignore.lines:
            yield from self._check_line(target, entry)

    def _check_line(self, target: ContextTarget, entry: IgnoreLine) -> Iterator[Finding]:
        text = entry.raw.strip()
        col, end = entry.column, entry.end_column
        if text.startswith("#"):
            yield target.at_ignore_line(
                self.info, "this line is not a comment: `#` starts a comment only in column 1, so "
                f"BuildKit reads the pattern {entry.pattern!r}; remove the leading blanks",
                entry.line, col, end)
            return
        hash_at = text.find(" #")
        if hash_at < 0:
            hash_at = text.find("\t#")
        if hash_at > 0:
            yield target.at_ignore_line(
                self.info, f"inline comments do not exist in .dockerignore: the whole line is the "
                f"pattern {entry.pattern!r}, which matches nothing; move the comment to its own line",
                entry.line, col + hash_at, end)
        if re.search(r"\\[^*?\[\]\\]", text) and "/" not in text:
            yield target.at_ignore_line(
                self.info, f"`\\` is an escape character in .dockerignore, not a path separator: "
                f"{text!r} does not match {text.replace(chr(92), '/')!r}; use `/`",
                entry.line, col, end)
        if entry.raw.rstrip("\r") != entry.raw.rstrip() and text:
            trailing = len(entry.raw.rstrip("\r")) - len(entry.raw.rstrip())
            yield target.at_ignore_line(
                self.info, "trailing blanks are removed from patterns, so a name that really ends "
                "in a blank cannot be matched; delete them", entry.line, end, end + trailing,
                severity=Severity.STYLE)
        body = text[1:].lstrip() if text.startswith("!") else text
        if body.startswith("./") or "/./" in body:
            yield target.at_ignore_line(
                self.info, f"`./` is removed from patterns (BuildKit reads {entry.pattern!r}); write it "
                "without `./` so the line says what it does", entry.line, col, end,
                severity=Severity.STYLE)


def _matching_names(pattern, by_name: dict[str, list[str]]) -> list[str]:
    """Base names ``pattern`` matches: one regex scan over all names joined by ``/`` (which no
    base name contains and no root-level pattern's ``*``/``?`` crosses)."""
    if pattern.kind == "exact":
        return [pattern.text] if pattern.text in by_name else []
    if pattern.kind != "regexp":
        return [name for name in by_name if pattern.match(name)]
    names = list(by_name)
    blob = "/".join(names)
    finder = re.compile(r"(?<![^/])(?:" + pattern.source + r")(?![^/])")
    starts, offset = {}, 0
    for name in names:
        starts[offset] = name
        offset += len(name) + 1
    return [starts[m.start()] for m in finder.finditer(blob)
            if m.start() in starts and m.end() == m.start() + len(starts[m.start()])]


class RootOnlyPattern(ContextRule):
    info = RuleInfo(
        code="DC010",
        name="dockerignore-pattern-only-matches-root",
        severity=Severity.WARNING,
        summary="A pattern without `/` matches only in the context root, unlike .gitignore.",
        rationale=("In .dockerignore `*.pyc` means `./*.pyc`: nested files such as `app/x.pyc` are "
                   "still sent. Use `**/*.pyc` to match at any depth."),
        bad_example=ContextExample({".dockerignore": "*.pyc\n__pycache__\n", "src/app.py": "print('hello')\n",
                                    "src/__pycache__/app.cpython-312.pyc": 2048}),
        good_example=ContextExample({".dockerignore": "**/*.pyc\n**/__pycache__\n", "src/app.py": "print('hello')\n",
                                     "src/__pycache__/app.cpython-312.pyc": 2048}),
    )

    def check(self, target: ContextTarget) -> Iterator[Finding]:
        if target.ignore is None:
            return
        scan = target.scan
        by_name: dict[str, list[str]] = {}  # base name -> sent paths below the root with it
        for path in (*scan.files, *scan.sent_dirs):
            cut = path.rfind("/")
            if cut >= 0:
                by_name.setdefault(path[cut + 1:], []).append(path)
        for entry in target.ignore.lines:
            if entry.exclusion or "/" in entry.pattern or entry.pattern.startswith("**"):
                continue
            try:
                pattern = compile_pattern(entry.pattern)
            except BadPatternError:
                continue
            names = _matching_names(pattern, by_name)
            hits = sorted(p for name in names for p in by_name[name])
            if not hits:
                continue
            more = f" and {len(hits) - 3} more" if len(hits) > 3 else ""
            yield target.at_ignore_line(
                self.info,
                f"{entry.pattern!r} matches only in the context root (not as in .gitignore); "
                f"{', '.join(hits[:3])}{more} are still sent; write '**/{entry.pattern}'",
                entry.line, entry.column, entry.end_column, paths=hits)
