"""What kind of problem a rule finds, for the dashboards that sort findings that way (Code
Climate's categories, SonarQube's software qualities). By code prefix, most specific first;
a rule not listed is judged by its finding's severity."""

from __future__ import annotations

from dockwise.findings import Finding, Severity

# Root at runtime, secrets in the context or the image, untrusted registries, setuid files,
# empty passwords, downloads that skip verification.
_SECURITY = ("DC003", "DC007", "DI001", "DI007", "DI008", "DI009", "DL3002", "DL3004", "DL3026",
             "DW501", "DW91", "DW95")
# Bytes sent, stored or pulled for nothing; build time; runtimes that ignore cgroup limits.
_PERFORMANCE = ("DC001", "DC002", "DC008", "DI004", "DI005", "DI006", "DI010", "DL3009", "DL3015",
                "DL3019", "DL3042", "DL3059", "DL3060", "DW3", "DW40", "DW70", "DW80", "DW92")


def category(finding: Finding) -> str:
    """``"security"``, ``"performance"``, ``"style"``, ``"clarity"`` or ``"bug-risk"``."""
    code = finding.code
    if code.startswith(_SECURITY):
        return "security"
    if code.startswith(_PERFORMANCE):
        return "performance"
    if finding.severity == Severity.STYLE:
        return "style"
    if finding.severity == Severity.INFO:
        return "clarity"
    return "bug-risk"
