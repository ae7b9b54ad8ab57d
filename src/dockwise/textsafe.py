"""Text from Dockerfiles, file names and images, made safe to print on a terminal.

One rule for every human-readable output (text reports, GitHub annotations, error lines):
control characters become C escapes, so a hostile name cannot move the cursor, retitle the
terminal, hide text behind a bidi override ("Trojan Source") or forge a line of the report.
Machine formats (JSON, SARIF) keep the exact text instead.
"""

from __future__ import annotations

import re

from dockwise._lazyre import lazy_compile

# C0/C1 controls and DEL, line and paragraph separators, bidi overrides and isolates, and lone
# surrogates (the bytes of a file name that is not UTF-8, as os.fsdecode gives them).
_UNSAFE = lazy_compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff]")
_UNSAFE_BUT_NEWLINE = lazy_compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029"
                                 "\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: show the original byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every unsafe character written as a C escape (``\\n``, ``\\x1b``,
    ``\\u202e``); unchanged when it has none. ``keep_newlines`` leaves ``\\n`` alone, for a
    multi-line text whose parts were escaped already."""
    if text.isprintable():  # every unsafe character is non-printable to Python: the usual case
        return text
    pattern = _UNSAFE_BUT_NEWLINE if keep_newlines else _UNSAFE
    return pattern.sub(_escape_char, text)


def has_unsafe(text: str) -> bool:
    return not text.isprintable() and _UNSAFE.search(text) is not None
