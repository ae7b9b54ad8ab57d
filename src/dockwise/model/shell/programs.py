"""What the shell model knows about programs: the shells, which options of each program take
a value (so `apt-get -o X install` has subcommand `install`), and the wrappers that run another
program (`sudo apt-get ...`)."""

from __future__ import annotations


DEFAULT_SHELL = ("/bin/sh", "-c")
NON_POSIX_SHELLS = frozenset({"powershell", "pwsh", "cmd"})
POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "ksh", "mksh", "zsh", "busybox", "yash", "posh"})
# Where a download piped into one of these runs unreviewed code.
PIPE_SHELLS = frozenset({"sh", "bash", "dash", "ash", "ksh", "mksh", "zsh"})
DOWNLOADERS = frozenset({"curl", "wget", "fetch"})
# Interpreters that run a script read from standard input or given on the command line: a
# download piped into one of these runs unreviewed code just as a shell does.
SCRIPT_INTERPRETERS = PIPE_SHELLS | frozenset({
    "python", "python2", "python3", "perl", "ruby", "node", "nodejs", "php", "lua", "Rscript"})
BRACE_SHELLS = frozenset({"bash", "zsh", "ksh", "mksh"})


def _opts(*names: str) -> frozenset[str]:
    return frozenset(names)


_APT = _opts("-o", "-c", "-t", "--option", "--config-file", "--target-release", "--default-release")
_APK = _opts("-X", "--repository", "-p", "--root", "--repositories-file", "--cache-dir", "-t", "--virtual",
             "--arch", "--keys-dir", "--cache-max-age")
# pip's, plus pipx's own (--pip-args, --suffix, --spec)
_PIP = _opts("-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url",
             "-f", "--find-links", "-t", "--target", "--prefix", "--root", "-e", "--editable",
             "--trusted-host", "--cache-dir", "--src", "--platform", "--python-version", "--implementation",
             "--abi", "--log", "--proxy", "--retries", "--timeout", "--progress-bar", "--no-binary",
             "--only-binary", "-d", "--dest", "--upgrade-strategy", "--python", "--build", "-b",
             "--root-user-action", "--config-settings", "-C", "--global-option", "--install-option", "--cert",
             "--client-cert", "--exists-action", "--report", "--pip-args", "--suffix", "--spec")
# uv's own spellings; `--editable` is left out: `uv add --editable` and `uv tool install --editable`
# are switches (only `uv pip install -e PATH` takes a value)
_UV = _opts("-p", "--python", "--index-url", "-i", "--extra-index-url", "--index", "-r", "--requirement",
            "-c", "--constraint", "--cache-dir", "--target", "--prefix", "--group", "--extra", "--package",
            "--project", "--directory", "-f", "--find-links", "--only-group", "--no-group", "-e",
            "--no-binary", "--only-binary", "--python-version", "--python-platform", "--trusted-host",
            "--allow-insecure-host")
_RPM = _opts("-c", "--config", "--installroot", "--releasever", "--enablerepo", "--disablerepo",
             "-x", "--exclude", "-d", "--debuglevel", "-e", "--errorlevel", "--repo", "--repoid",
             "--setopt", "--forcearch", "--downloaddir", "--destdir", "--repofrompath", "--rpmverbosity")
_ZYPPER = _opts("--root", "-R", "-r", "--repo", "-t", "--type", "--from", "-D", "--reposd-dir", "-C",
                "--cache-dir", "--raw-cache-dir", "--solv-cache-dir", "--pkg-cache-dir", "-c", "--config")
_GPG = _opts("--keyserver", "-o", "--output", "--homedir", "--keyring", "--export-options", "--import-options",
             "--trust-model", "--default-key", "-u", "--local-user", "--recipient", "-r", "--keyserver-options",
             "--status-fd", "--logger-fd", "--attribute-fd", "--command-fd", "--passphrase-fd", "--passphrase",
             "--passphrase-file", "--keyid-format", "--weak-digest", "--compress-algo", "--cipher-algo",
             "--digest-algo", "--default-recipient", "-z", "--encrypt-to", "--set-filename", "--log-file",
             "--auto-key-locate", "--verify-options", "--list-options", "--trustdb-name", "--primary-keyring",
             "--status-file", "--logger-file", "--trusted-key", "--pinentry-mode", "--secret-keyring")
_CP = _opts("-t", "--target-directory", "-S", "--suffix")

# The one list of which options of a program take the next word as their value; the model's option
# parser and every rule read it. Listing a switch here would make it swallow the word after it.
OPTIONS_WITH_VALUE: dict[str, frozenset[str]] = {
    "apt-get": _APT, "apt": _APT, "apt-cache": _APT, "aptitude": _APT,
    "apk": _APK,
    "pip": _PIP, "pip3": _PIP, "pip2": _PIP, "pipx": _PIP,
    "uv": _UV,
    "poetry": _opts("--only", "--with", "--without", "-E", "--extras", "-C", "--directory", "-P", "--project",
                    "--group", "-G", "--source"),
    "pipenv": _opts("--python", "--pypi-mirror"),
    "yum": _RPM, "dnf": _RPM, "dnf5": _RPM, "microdnf": _RPM, "tdnf": _RPM,
    "zypper": _ZYPPER,
    "gem": _opts("-v", "--version", "-i", "--install-dir", "-n", "--bindir", "--source", "-s", "-p",
                 "--platform", "-P", "--trust-policy", "-g", "--file", "--build-root", "--target-rbconfig"),
    "npm": _opts("--prefix", "--registry", "--cache", "-w", "--workspace", "--userconfig", "--loglevel",
                 "--omit", "--include", "--tag", "--install-strategy"),
    "yarn": _opts("--cache-folder", "--modules-folder", "--network-timeout", "--cwd", "--mutex", "--registry"),
    "pnpm": _opts("--dir", "-C", "--filter", "--store-dir"),
    "curl": _opts("-o", "--output", "-H", "--header", "-d", "--data", "-u", "--user", "-A", "--user-agent",
                  "-e", "--referer", "-x", "--proxy", "-X", "--request", "-T", "--upload-file", "-w",
                  "--write-out", "-m", "--max-time", "--retry", "--connect-timeout", "-b", "--cookie",
                  "-c", "--cookie-jar", "-F", "--form", "--output-dir", "-r", "--range", "--cacert",
                  "--cert", "--key", "-K", "--config", "--data-binary", "--data-raw", "--data-urlencode",
                  "--retry-delay", "--retry-max-time", "--proto", "--proto-redir", "-C", "--continue-at",
                  "-E", "-Y", "-y", "--limit-rate", "-z", "-Q", "--resolve", "--url", "--max-filesize",
                  "--capath", "--interface", "--dns-servers", "--create-file-mode"),
    "wget": _opts("-O", "--output-document", "-P", "--directory-prefix", "-o", "--output-file", "-a",
                  "--append-output", "-t", "--tries", "-T", "--timeout", "-U", "--user-agent", "--header",
                  "-e", "--execute", "-i", "--input-file", "--user", "--password", "-w", "--wait", "-Q",
                  "--quota", "-l", "--level", "-A", "--accept", "-R", "--reject", "-D", "--domains",
                  "--ca-certificate", "--ca-directory", "--certificate", "--private-key", "-B", "--base"),
    "tar": _opts("-C", "--directory", "-f", "--file", "-T", "--files-from", "-X", "--exclude-from",
                 "-I", "--use-compress-program", "-b", "--blocking-factor", "-H", "--format", "-g",
                 "--listed-incremental", "-K", "-N", "-V", "--label", "--exclude", "--strip-components",
                 "--owner", "--group", "--mode", "--transform", "--xform"),
    "git": _opts("-C", "-c", "--git-dir", "--work-tree", "-b", "--branch", "--depth", "-o", "--origin",
                 "-j", "--jobs", "--reference", "--filter", "--template", "--separate-git-dir", "--config",
                 "-u", "--upload-pack", "--shallow-since", "--shallow-exclude"),
    "mkdir": _opts("-m", "--mode"),
    "cp": _CP, "mv": _CP, "ln": _CP,
    "install": _opts("-m", "--mode", "-o", "--owner", "-g", "--group", "-t", "--target-directory",
                     "-S", "--suffix"),
    "unzip": _opts("-d", "-P"),
    "useradd": _opts("-u", "--uid", "-g", "--gid", "-G", "--groups", "-d", "--home-dir", "-s", "--shell",
                     "-c", "--comment", "-k", "--skel", "-e", "--expiredate", "-f", "--inactive",
                     "-K", "--key", "-p", "--password", "-R", "--root", "-b", "--base-dir"),
    "groupadd": _opts("-g", "--gid", "-K", "--key", "-p", "--password", "-R", "--root"),
    "adduser": _opts("-u", "--uid", "-G", "-h", "--home", "-s", "--shell", "-g", "--gecos", "--gid",
                     "--ingroup", "-k"),
    "addgroup": _opts("-g", "--gid"),
    "usermod": _opts("-u", "-g", "-G", "-d", "-s", "-c", "-l", "-e", "-f", "-p", "-R"),
    "go": _opts("-o", "-C", "-ldflags", "-tags", "-gcflags", "-mod", "-p", "-modfile", "-asmflags",
                "-buildmode", "-compiler", "-pkgdir", "-toolexec", "-overlay", "-exec", "-pgo", "-gccgoflags",
                "-installsuffix", "-covermode", "-coverpkg"),
    "sed": _opts("-e", "--expression", "-f", "--file"),
    "make": _opts("-C", "--directory", "-f", "--file", "--makefile", "-I", "--include-dir", "-o", "-W"),
    "conda": _opts("-c", "--channel", "-n", "--name", "-p", "--prefix", "--file"),
    "mamba": _opts("-c", "--channel", "-n", "--name", "-p", "--prefix", "--file"),
    "cargo": _opts("--root", "--version", "--git", "--branch", "--tag", "--rev", "--path", "--target",
                   "-j", "--jobs", "--features", "-F", "--profile", "--bin", "--example", "--index",
                   "--registry", "--config", "-Z", "--manifest-path", "-p", "--package", "--target-dir"),
    "composer": _opts("--working-dir", "-d"),
    "bundle": _opts("--jobs", "-j", "--retry", "--path", "--without", "--with", "--gemfile"),
    "gpg": _GPG, "gpg2": _GPG, "gpgv": _GPG,
    "mktemp": _opts("-p", "--suffix"),
    "chown": _opts("--reference", "--from"),
    "chmod": _opts("--reference"),
    "docker-php-ext-install": _opts("-j"),
    "ssh-keyscan": _opts("-p", "-t", "-T", "-f"),
    "find": frozenset(),
    "rm": frozenset(),
}


# --------------------------------------------------------------------------------------------
# Wrappers: programs that run another program (`sudo apt-get ...`)

# wrapper -> (options that take a value, number of leading positional words before the command)
_WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "sudo": (_opts("-u", "--user", "-g", "--group", "-h", "--host", "-p", "--prompt", "-C",
                   "--close-from", "-D", "--chdir", "-r", "--role", "-t", "--type", "-U", "--other-user",
                   "-T", "--command-timeout"), 0),
    "doas": (_opts("-u", "-C"), 0),
    "env": (_opts("-u", "--unset", "-C", "--chdir", "-S", "--split-string"), 0),
    "nice": (_opts("-n", "--adjustment"), 0),
    "ionice": (_opts("-c", "-n", "-p", "-P", "-u"), 0),
    "time": (_opts("-f", "--format", "-o", "--output"), 0),
    "nohup": (frozenset(), 0),
    "xargs": (_opts("-I", "-n", "--max-args", "-P", "--max-procs", "-d", "--delimiter", "-L",
                    "--max-lines", "-s", "--max-chars", "-E", "-a", "--arg-file"), 0),
    "command": (frozenset(), 0),
    "exec": (_opts("-a"), 0),
    "builtin": (frozenset(), 0),
    "timeout": (_opts("-s", "--signal", "-k", "--kill-after"), 1),
    "stdbuf": (_opts("-i", "-o", "-e"), 0),
    "gosu": (frozenset(), 1),
    "su-exec": (frozenset(), 1),
    "chronic": (frozenset(), 0),
    "eatmydata": (frozenset(), 0),
    "unbuffer": (frozenset(), 0),
    "busybox": (frozenset(), 0),
}

def _consumes_next(v: str, takes: frozenset[str]) -> bool:
    if v.startswith("--"):
        return "=" not in v and v in takes
    if v in takes:
        return True
    for i, c in enumerate(v[1:], 1):
        if "-" + c in takes:
            return i == len(v) - 1
    return False

