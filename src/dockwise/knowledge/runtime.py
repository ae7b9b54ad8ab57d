"""What an image is for and who its process runs as: the lists the model reads to tell an
application image from a base, toolchain or dev image, and a root process from one that drops
its privileges at run time.
"""

from __future__ import annotations

from dockwise._lazyre import lazy_compile

# Programs that start another program as a different user: an entrypoint that runs one of them,
# or an image that installs one, starts as root on purpose and steps down before the service runs.
PRIVILEGE_DROPPERS = frozenset({
    "gosu", "su-exec", "s6-setuidgid", "s6-applyuidgid", "setpriv", "runuser", "chpst", "setuidgid",
    "setuser", "su", "sudo", "doas", "chroot", "start-stop-daemon",
})
# The ones whose mere presence in the image says so: they are installed for nothing else
# (``su``, ``setpriv`` and ``chroot`` ship with every distribution, so only a call counts).
DEDICATED_DROPPERS = ("gosu", "su-exec", "s6-setuidgid", "s6-applyuidgid", "setuidgid")
DEDICATED_DROPPER_WORD = lazy_compile(
    r"(?<![\w.-])(" + "|".join(DEDICATED_DROPPERS).replace("-", r"\-") + r")(?![\w-])")
# What an entrypoint script runs to switch user (``exec gosu postgres "$@"``, ``su-exec``,
# ``s6-setuidgid``, ``setpriv --reuid``, ``runuser -u``, ``su -c``, ``chroot --userspec``).
SCRIPT_USER_SWITCH = lazy_compile(
    r"(?m)^[^#\n]*(?<![\w.-])(?:gosu|su-exec|s6-setuidgid|s6-applyuidgid|setuidgid|chpst\s+-u|"
    r"setpriv\s[^\n]*--re[ug]id|runuser\s|su\s+(?:-s\s+\S+\s+)?-?c?\s*\S+|chroot\s+--userspec|"
    r"sudo\s+(?:-E\s+)?-u|start-stop-daemon\s[^\n]*--chuid)")

# Daemons whose master process starts as root to bind low ports or open logs and runs its
# workers as an unprivileged user it names in its own configuration (nginx `user`, Apache
# `User`, php-fpm pools, sshd privilege separation, PostgreSQL refusing root).
SELF_DROPPING_DAEMONS = frozenset({
    "nginx", "httpd", "httpd-foreground", "apache2", "apache2-foreground", "apachectl", "php-fpm",
    "sshd", "postgres", "haproxy", "squid", "named", "dnsmasq", "vsftpd", "proftpd", "exim",
    "postfix", "dovecot", "openvpn", "lighttpd", "unbound", "chronyd", "memcached", "varnishd",
})
SELF_DROPPING_DAEMON_PATTERN = lazy_compile(r"php-?fpm[\d.]*|php\d[\d.]*-fpm")

# Official images (Docker Hub `library/`) that do not run their service as root: a default
# non-root USER, or an entrypoint that steps down (gosu/su-exec) before the service starts.
# A Dockerfile built FROM one of them inherits that unless it replaces the ENTRYPOINT.
OFFICIAL_NONROOT_IMAGES = frozenset({
    "postgres", "mysql", "mariadb", "mongo", "redis", "rabbitmq", "memcached", "cassandra",
    "couchdb", "elasticsearch", "kibana", "logstash", "neo4j", "sonarqube", "jenkins", "solr",
    "zookeeper", "sentry", "ghost", "redmine", "influxdb", "telegraf", "chronograf", "kapacitor",
    "eclipse-mosquitto", "rocket.chat", "odoo", "nextcloud", "matomo", "znc", "couchbase",
    "percona", "bonita", "convertigo", "nats", "nginx", "httpd", "haproxy", "mongo-express",
    "geonetwork", "friendica", "xwiki", "spiped", "varnish",
})
# Registries and repository prefixes whose images run as a non-root user by default.
# A LinuxKit package declares how it runs (capabilities, host namespaces, binds) in this label:
# a system container whose privileges are set there, not by USER.
LINUXKIT_CONFIG_LABEL = "org.mobyproject.config"
# Images documented to run as root (UID 0) unless their tag says `nonroot` (distroless's default
# user is root; its `:nonroot` and `:debug-nonroot` tags set 65532).
ROOT_REGISTRY_PREFIXES = ("gcr.io/distroless/",)
NONROOT_BASE_HINTS = ("nonroot", "rootless", "unprivileged")
NONROOT_REGISTRY_PREFIXES = ("cgr.dev/chainguard/",)
NONROOT_REPOSITORY_PREFIXES = ("bitnami/", "nginxinc/nginx-unprivileged")

# An image whose process is an interactive interpreter or shell runs no application: it is a
# language or tool base, meant to be extended or used for a one-off command.
INTERACTIVE_PROGRAMS = frozenset({
    "sh", "bash", "ash", "dash", "zsh", "fish", "ksh", "busybox", "python", "python2", "python3",
    "ipython", "node", "irb", "pry", "jshell", "php", "perl", "ghci", "iex", "erl", "R", "julia",
    "lua", "luajit", "tclsh", "groovysh", "scala", "clj", "sbcl", "racket", "swift", "pwsh",
    "powershell", "cmd", "gosh", "guile", "ocaml", "dotnet-script", "deno", "bun",
})
# Programs that build software: an image whose process is one of them is a build image, and its
# compilers are its point.
BUILD_DRIVERS = frozenset({
    "make", "cmake", "ninja", "meson", "gcc", "g++", "cc", "clang", "mvn", "gradle", "ant", "sbt",
    "cargo", "go", "rpmbuild", "mock", "dpkg-buildpackage", "debuild", "pbuilder", "sbuild",
    "fpm", "bazel", "bazelisk", "buildah", "kaniko", "makepkg", "abuild", "conan", "scons",
})
BUILD_SCRIPT_NAME = lazy_compile(r"(?:^|/)(?:build|compile|package|make)[\w.-]*$")
# Stage names and base images of development environments: the tools are the product.
DEV_STAGE_NAMES = frozenset({
    "dev", "devel", "develop", "development", "devcontainer", "devenv", "dev-env", "debug",
    "test", "tests", "testing", "ci", "lint", "toolbox", "sdk", "builder-image",
})
DEV_BASE_PREFIXES = ("mcr.microsoft.com/devcontainers/", "mcr.microsoft.com/vscode/devcontainers/",
                     "gitpod/workspace-", "docker.io/gitpod/workspace-", "codercom/")
# Version-control clients are build tools only when the build itself uses them (a `git clone`
# in a RUN, `pip install git+...`); otherwise the image carries them for its own users (a CI
# controller, a deployment tool, a dev shell).
VCS_CLIENTS = frozenset({"git", "subversion", "mercurial", "git-core", "git-lfs", "bzr", "fossil"})
VCS_COMMANDS = frozenset({"git", "svn", "hg", "bzr", "fossil", "git-lfs"})
VCS_URL_WORD = lazy_compile(r"(?:^|[\s=@'\"])(?:git\+|git://|svn\+|hg\+|bzr\+)|\.git(?:[@#]|$)")
# Files that name dependencies, not the application: an image that copies only these and
# installs what they list is a base with a runtime preinstalled.
DEPENDENCY_MANIFESTS = frozenset({
    "requirements.txt", "requirements.in", "constraints.txt", "Pipfile", "Pipfile.lock",
    "environment.yml", "environment.yaml", "package.json", "package-lock.json", "yarn.lock",
    "pnpm-lock.yaml", "Gemfile", "Gemfile.lock", "composer.json", "composer.lock", "go.mod",
    "go.sum", "Cargo.toml", "Cargo.lock",
})
# What a generated file says in its header (the markers GitHub's linguist also reads).
GENERATED_MARKER = lazy_compile(r"(?i)do not edit|auto-?generated|\bgenerated (?:by|via|from|with)\b|"
                                r"this file (?:is|was) generated")
