"""Environment variables that common base images set in their config (`docker inspect`).

A variable a Dockerfile never declares may still be defined by its base image; where dockwise
cannot read the base image's config, these names are given the benefit of the doubt.
"""

from __future__ import annotations

BASE_IMAGE_ENV = frozenset({
    "PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "TZ", "HOSTNAME", "TERM", "USER", "SHELL",
    "LD_LIBRARY_PATH", "GPG_KEY", "PYTHON_VERSION", "PYTHON_SHA256", "PYTHON_PIP_VERSION",
    "PYTHON_SETUPTOOLS_VERSION", "PYTHON_GET_PIP_URL", "PYTHON_GET_PIP_SHA256", "NODE_VERSION",
    "YARN_VERSION", "GOLANG_VERSION", "GOPATH", "GOTOOLCHAIN", "GOROOT", "JAVA_HOME", "JAVA_VERSION",
    "JAVA_OPTS", "MAVEN_HOME", "MAVEN_CONFIG", "GRADLE_HOME", "GRADLE_VERSION", "RUBY_VERSION",
    "RUBY_MAJOR", "GEM_HOME", "BUNDLE_APP_CONFIG", "BUNDLE_SILENCE_ROOT_WARNING", "PHP_VERSION",
    "PHP_INI_DIR", "PHPIZE_DEPS", "PHP_CFLAGS", "PHP_LDFLAGS", "NGINX_VERSION", "NJS_VERSION",
    "PKG_RELEASE", "HTTPD_VERSION", "HTTPD_PREFIX", "PG_MAJOR", "PG_VERSION", "PGDATA",
    "MYSQL_MAJOR", "MYSQL_VERSION", "REDIS_VERSION", "RUSTUP_HOME", "CARGO_HOME", "RUST_VERSION",
    "CATALINA_HOME", "TOMCAT_VERSION", "TOMCAT_MAJOR", "CUDA_VERSION", "NVIDIA_VISIBLE_DEVICES",
    "NVIDIA_DRIVER_CAPABILITIES", "DOTNET_VERSION", "ASPNET_VERSION", "ASPNETCORE_URLS",
    "DEBIAN_FRONTEND", "CONDA_DIR", "MAMBA_ROOT_PREFIX", "VIRTUAL_ENV", "NPM_CONFIG_LOGLEVEL",
    "ERLANG_VERSION", "ELIXIR_VERSION", "OTP_VERSION", "REBAR3_VERSION", "DOCKER_VERSION",
})
# Suffixes of the version and location variables official images set for their own software.
BASE_IMAGE_ENV_SUFFIXES = ("_VERSION", "_HOME", "_MAJOR", "_SHA256", "_SHA512", "_DIR", "_PREFIX")


def base_image_may_set(name: str) -> bool:
    """True when a base image commonly sets ``name`` in its environment."""
    return name in BASE_IMAGE_ENV or name.endswith(BASE_IMAGE_ENV_SUFFIXES)
