"""Settings that turn off the checks a download relies on: TLS certificate verification and
package signature checks. One list for ``check`` (DW955) and anything else that needs it.

Each entry says what the setting turns off, so a finding can name the cost.
"""

from __future__ import annotations

TLS = "TLS certificate checks"
SIGNATURES = "package signature checks"

# program -> {option: what it turns off}. `pip` stands for every spelling of pip
# (pip3, pip3.12, `python -m pip`), `apt-get` for apt-get, apt and aptitude, `dnf` for the rpm
# family's front ends.
INSECURE_OPTIONS: dict[str, dict[str, str]] = {
    "curl": {"-k": TLS, "--insecure": TLS},
    "wget": {"--no-check-certificate": TLS},
    "pip": {"--trusted-host": TLS},
    "uv": {"--allow-insecure-host": TLS, "--trusted-host": TLS},
    "apk": {"--allow-untrusted": SIGNATURES},
    "apt-get": {"--allow-unauthenticated": SIGNATURES, "--allow-insecure-repositories": SIGNATURES,
                "--force-yes": SIGNATURES},  # deprecated; it also allows unauthenticated packages
    "dnf": {"--nogpgcheck": SIGNATURES},
    "zypper": {"--no-gpg-checks": SIGNATURES},
    "rpm": {"--nosignature": SIGNATURES, "--nodigest": SIGNATURES},
}
PROGRAM_FAMILY = {"apt": "apt-get", "aptitude": "apt-get", "yum": "dnf", "microdnf": "dnf",
                  "tdnf": "dnf", "pip3": "pip", "pipx": "pip"}

# apt's `-o Key=value` settings (keys compared case-insensitively) that turn checks off.
APT_INSECURE_SETTINGS = {
    "acquire::allowinsecurerepositories": SIGNATURES,
    "apt::get::allowunauthenticated": SIGNATURES,
    "acquire::https::verify-peer": TLS,
    "acquire::https::verify-host": TLS,
}

# Tool configuration keys set to off (`git -c http.sslVerify=false`, `npm config set strict-ssl false`).
CONFIG_KEYS_OFF = {"http.sslverify": TLS, "strict-ssl": TLS}

# Environment variables (ENV, ARG, `VAR=x cmd`, `export VAR=x`): name -> (values that turn the
# check off, or None for "any non-empty value", and what it turns off).
INSECURE_ENV: dict[str, tuple[frozenset[str] | None, str]] = {
    "PIP_TRUSTED_HOST": (None, TLS),
    "UV_INSECURE_HOST": (None, TLS),
    "NODE_TLS_REJECT_UNAUTHORIZED": (frozenset({"0"}), TLS),
    "GIT_SSL_NO_VERIFY": (frozenset({"1", "true", "yes", "on"}), TLS),
    "PYTHONHTTPSVERIFY": (frozenset({"0"}), TLS),
    "NPM_CONFIG_STRICT_SSL": (frozenset({"false", "0"}), TLS),
}

# What the finding says an option does and what to do, where "turns off <what>" would overstate it.
EFFECTS = {"--force-yes": ("lets packages that cannot be authenticated install (and downgrades, and "
                           "removals of essential packages) without stopping",
                           "a tampered or substituted package installs without complaint. `-y` alone "
                           "answers the prompts; `--force-yes` is deprecated")}

FALSE_WORDS = frozenset({"false", "0", "no", "off"})


def env_turns_off(name: str, value: str | None) -> str | None:
    """What setting ``name`` to ``value`` turns off, or None."""
    entry = INSECURE_ENV.get(name.upper())
    if entry is None or value is None or not value.strip() or "$" in value:
        return None
    values, what = entry
    if values is None or value.strip().lower() in values:
        return what
    return None
