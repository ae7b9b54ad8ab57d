"""Base images that manage who their service runs as.

The official images of databases, brokers and web servers start their entrypoint as root and
drop to their own account themselves (gosu, su-exec, the server's own ``user`` setting), or
need root to start their master process; a ``USER`` in an image built on them breaks them
(the entrypoint cannot chown its data directory, nginx cannot write its pid file). A
restructuring fix leaves their user alone.
"""

from __future__ import annotations

# Official image names (the last part of the repository).
SELF_MANAGED_USER_IMAGES = frozenset({
    "postgres", "mysql", "mariadb", "percona", "redis", "mongo", "rabbitmq", "elasticsearch",
    "logstash", "kibana", "cassandra", "couchdb", "couchbase", "memcached", "zookeeper", "solr",
    "neo4j", "influxdb", "nginx", "httpd", "haproxy", "tomcat", "wordpress", "drupal", "joomla",
    "nextcloud", "owncloud", "ghost", "docker", "jenkins", "sonarqube", "odoo", "mediawiki",
    "matomo", "phpmyadmin", "redmine", "rocket.chat", "teamspeak", "eclipse-mosquitto", "varnish",
    "caddy", "traefik", "vault", "consul", "registry", "gitlab-ce", "openresty",
})
# Variants of other images that run a root master process (php's apache and fpm servers).
SELF_MANAGED_USER_TAG_WORDS = ("apache", "fpm")


def manages_its_own_user(name: str, tag: str | None) -> bool:
    """True for ``postgres:16``, ``nginx:alpine``, ``php:8.3-apache``: do not add a USER."""
    lowered = name.lower()
    if lowered in SELF_MANAGED_USER_IMAGES or lowered.startswith("nginx"):
        return True
    return lowered == "php" and any(word in (tag or "").lower() for word in SELF_MANAGED_USER_TAG_WORDS)

# The ENTRYPOINT an official image sets, which a stage that sets none inherits: an init put in
# front must keep it (node's prefixes `node` to a CMD of script arguments). Images named in
# NO_ENTRYPOINT_IMAGES set none; for any other base the inherited ENTRYPOINT is not known.
IMAGE_ENTRYPOINTS: dict[str, tuple[str, ...]] = {
    "node": ("docker-entrypoint.sh",),
    "php": ("docker-php-entrypoint",),
    "eclipse-temurin": ("/__cacert_entrypoint.sh",),
}
NO_ENTRYPOINT_IMAGES = frozenset({
    "python", "pypy", "debian", "ubuntu", "alpine", "busybox", "golang", "rust", "ruby", "perl",
    "openjdk", "amazoncorretto", "ibmjava", "sapmachine", "centos", "fedora", "rockylinux",
    "almalinux", "oraclelinux", "amazonlinux", "archlinux", "buildpack-deps", "gcc", "maven",
    "gradle", "elixir", "erlang", "haskell", "julia", "r-base", "swift", "clojure", "dart",
    "bash", "mono", "denoland/deno",
})


def inherited_entrypoint(name: str, official: bool) -> tuple[str, ...] | None:
    """The ENTRYPOINT a stage built on the official image ``name`` inherits (``()`` for none);
    None when it is not known."""
    if not official:
        return None
    if name in IMAGE_ENTRYPOINTS:
        return IMAGE_ENTRYPOINTS[name]
    return () if name in NO_ENTRYPOINT_IMAGES else None
