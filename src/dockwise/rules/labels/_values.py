"""What a label value of each schema type must look like."""

from __future__ import annotations

from dockwise._lazyre import lazy_compile


# scheme ":" and the rest, none of the characters a URI may not hold (RFC 3986).
_URL = lazy_compile(r"([A-Za-z][A-Za-z0-9+.-]*):([^\s<>\"{}|\\^`]+)")
_AUTHORITY = lazy_compile(r"//(?:[^/?#@\s]*@)?[^/?#@:\s]+(?::\d*)?(?:[/?#]\S*)?")
_NEEDS_HOST = frozenset({"http", "https", "ftp", "ftps", "ws", "wss", "git", "ssh", "oci"})


def is_url(text: str) -> bool:
    """An absolute URI; web schemes (``https:``...) also need a host (``https://host/...``)."""
    match = _URL.fullmatch(text)
    if match is None:
        return False
    if match.group(1).lower() in _NEEDS_HOST:
        return _AUTHORITY.fullmatch(match.group(2)) is not None
    return True


_RFC3339 = lazy_compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))")


def is_rfc3339(text: str) -> bool:
    """An RFC 3339 date-time (``2024-05-01T12:30:00Z``, ``...+02:00``) that names a real instant:
    month 1-12, a day the month has, hours < 24, minutes < 60, seconds <= 60 (leap second)."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.group(1, 2, 3, 4, 5, 6))
    if not 1 <= month <= 12 or not 1 <= day <= _days_in(year, month):
        return False
    if hour > 23 or minute > 59 or second > 60:
        return False
    off_hour, off_minute = match.group(7, 8)
    return off_hour is None or (int(off_hour) <= 23 and int(off_minute) <= 59)


def _days_in(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


_GIT_HASH = lazy_compile(r"[0-9a-fA-F]{7,40}|[0-9a-fA-F]{64}")


def is_git_hash(text: str) -> bool:
    """A commit id: 7 to 40 hex digits (abbreviated or full SHA-1), or a full SHA-256 id."""
    return _GIT_HASH.fullmatch(text) is not None


_NUMBER = r"(?:0|[1-9][0-9]*)"
_PRE_PART = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_BUILD_PART = r"[0-9A-Za-z-]+"
_SEMVER = lazy_compile(
    rf"{_NUMBER}\.{_NUMBER}\.{_NUMBER}(?:-{_PRE_PART}(?:\.{_PRE_PART})*)?"
    rf"(?:\+{_BUILD_PART}(?:\.{_BUILD_PART})*)?")


def is_semver(text: str) -> bool:
    """Semantic Versioning 2.0.0: ``MAJOR.MINOR.PATCH[-pre.release][+build]``, no leading zeros."""
    return _SEMVER.fullmatch(text) is not None


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = rf"(?:{_ATOM}(?:\.{_ATOM})*|\"(?:[^\"\\\r\n]|\\.)*\")"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[^\[\]\\\s]+\])"
_EMAIL = lazy_compile(rf"{_LOCAL}@{_DOMAIN}")


def is_email(text: str) -> bool:
    """An RFC 5322 address (``addr-spec``: ``team@example.com``), not ``Name <team@...>``."""
    return len(text) <= 254 and _EMAIL.fullmatch(text) is not None


def is_spdx(text: str) -> bool:
    from dockwise.rules._spdx import is_license_expression

    return is_license_expression(text)


# type -> (is valid, what the value should look like)
VALIDATORS = {
    "url": (is_url, "an absolute URL such as `https://github.com/org/app`"),
    "rfc3339": (is_rfc3339, "an RFC 3339 time such as `2024-05-01T12:30:00Z`"),
    "spdx": (is_spdx, "an SPDX license id or expression such as `Apache-2.0` or `MIT OR Apache-2.0`"),
    "hash": (is_git_hash, "a git commit id (7 to 40 hex digits), e.g. from `git rev-parse HEAD`"),
    "semver": (is_semver, "a semantic version such as `1.4.2` or `2.0.0-rc.1`"),
    "email": (is_email, "a bare e-mail address such as `team@example.com`"),
}
