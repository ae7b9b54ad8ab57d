"""Discovers every rule. Adding a rule means adding a module; there is no list to edit.

Rule modules live in three packages: ``dockwise.rules`` (Dockerfile rules, ``DL``/``DW``),
``dockwise.context.rules`` (``DC``) and ``dockwise.image.rules`` (``DI``). Every concrete
subclass of :class:`dockwise.findings.Rule` with an ``info`` attribute found there is a rule.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from functools import cache

from dockwise.findings import Rule, RuleInfo

RULE_PACKAGES = ("dockwise.rules", "dockwise.context.rules", "dockwise.image.rules")


def _import_package_modules(package_name: str) -> None:
    package = importlib.import_module(package_name)
    for name in _module_names(package.__path__, package_name):
        importlib.import_module(name)


def _module_names(path: list[str], prefix: str) -> Iterator[str]:
    """The modules and subpackages under ``path``, recursively, by name.

    A directory listing rather than :func:`pkgutil.walk_packages`, which imports :mod:`inspect`
    (10 ms of ``dockwise check``'s start-up budget)."""
    for directory in path:
        with os.scandir(directory) as entries:
            names = sorted((entry.name, entry.is_dir()) for entry in entries)
        for name, is_dir in names:
            if is_dir and os.path.isfile(os.path.join(directory, name, "__init__.py")):
                yield f"{prefix}.{name}"
                yield from _module_names([os.path.join(directory, name)], f"{prefix}.{name}")
            elif not is_dir and name.endswith(".py") and name != "__init__.py":
                yield f"{prefix}.{name[:-3]}"


def _concrete_subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        if "info" in vars(sub):
            found.append(sub)
        found.extend(_concrete_subclasses(sub))
    return found


@cache
def all_rules(packages: tuple[str, ...] = RULE_PACKAGES) -> tuple[type[Rule], ...]:
    """Every rule class, sorted by code. Raises if two rules share a code or name."""
    for name in packages:
        _import_package_modules(name)
    rules = sorted(
        {r for r in _concrete_subclasses(Rule) if r.__module__.startswith(packages)},
        key=lambda r: r.info.code,
    )
    seen: dict[str, str] = {}
    for rule in rules:
        for key in (rule.info.code, rule.info.name):
            if key in seen:
                raise RuntimeError(f"duplicate rule code or name {key!r} in {rule.__module__} and {seen[key]}")
            seen[key] = rule.__module__
    return tuple(rules)


def rule_infos() -> list[RuleInfo]:
    return [r.info for r in all_rules()]


def find_rule(key: str) -> RuleInfo | None:
    """Look a rule up by code, name or alias (case-insensitive)."""
    wanted = key.strip().lower()
    for info in rule_infos():
        names = {info.code.lower(), info.name.lower()}
        names.update(a.lower() for a in info.aliases)
        names.update(a.split(":", 1)[-1].lower() for a in info.aliases)
        if wanted in names:
            return info
    return None
