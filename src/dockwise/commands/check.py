"""`dockwise check [PATH...]`: check Dockerfiles (and their build context)."""

from __future__ import annotations

import argparse

FAIL_LEVELS = ("error", "warning", "info", "style", "none")


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="Dockerfile, or directory searched for Dockerfiles (default: .); - reads stdin")
    parser.add_argument("--select", action="append", metavar="CODES",
                        help="only these rules: codes, prefixes (DW1, DL30), names or aliases; "
                             "comma-separated, repeatable")
    parser.add_argument("--ignore", action="append", metavar="CODES",
                        help="skip these rules (same forms as --select)")
    parser.add_argument("--fail-level", choices=FAIL_LEVELS, default=None,
                        help="lowest severity that makes the exit code 1 (default: warning, or "
                             "failure-threshold from .hadolint.yaml)")
    parser.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (atomically)")
    parser.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                        help="processes to use (default: 1 for fewer than 8 files, else one per CPU)")
    parser.add_argument("--no-context", action="store_true",
                        help="do not check the build context next to each Dockerfile")
    parser.add_argument("--no-config", action="store_true", help="ignore .hadolint.yaml files (the command line's "
                        "--trusted-registry and --require-label still apply)")
    build = parser.add_argument_group("the build to check (as `docker build` takes them)")
    build.add_argument("--build-arg", action="append", dest="build_args", metavar="KEY[=VALUE]",
                       help="set a build argument declared by ARG; KEY alone takes the value from "
                            "the environment (skipped when unset); repeatable")
    build.add_argument("--target", metavar="STAGE",
                       help="check the build of this stage (its name, any case): the rules about "
                            "the final image (USER, HEALTHCHECK, build tools...) judge it "
                            "(default: the last stage)")
    hadolint = parser.add_argument_group(
        "hadolint's rule settings (added to .hadolint.yaml's trustedRegistries and label-schema)")
    hadolint.add_argument("--trusted-registry", action="append", dest="trusted_registries",
                          metavar="REGISTRY",
                          help="a registry images may come from (docker.io, ghcr.io, "
                               "registry.local:5000, *.corp.example, *); turns DL3026 on; repeatable")
    hadolint.add_argument("--require-label", action="append", dest="required_labels",
                          metavar="NAME:TYPE",
                          help="a label the image must carry and the type of its value (text, "
                               "url, email, hash, rfc3339, semver, spdx), as label-schema does: "
                               "DL3049, DL3051-DL3056, DL3058 check it; repeatable")
    hadolint.add_argument("--strict-labels", action="store_true",
                          help="a label outside the label schema is a finding (DL3050), as "
                               "strict-labels: true does")
    parser.add_argument("--fix", action="store_true", help="apply safe fixes, then report what remains")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="with --fix or --diff: apply fixes that may change the build's meaning too")
    parser.add_argument("--diff", action="store_true",
                        help="print the fixes as a unified diff instead of writing them")


def run(args: argparse.Namespace) -> int:
    from dockwise.check.command import run_check

    return run_check(args)
