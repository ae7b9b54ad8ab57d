"""Build tools: what is needed to build software and not to run it. One list for ``check``
(DW401, packages a RUN installs) and ``image`` (DI004, executables a layer holds).

A Dockerfile names packages, an image holds files: :data:`EXECUTABLES` maps each package
whose executable proves the toolchain is in an image to those executables, so the image rule
looks for exactly the tools the Dockerfile rule knows.
"""

from __future__ import annotations

import re

from dockwise._lazyre import lazy_compile

BUILD_TOOL_PACKAGES = frozenset({
    "gcc", "g++", "gcc-c++", "cc", "c++", "clang", "clang++", "llvm", "make", "cmake", "ninja", "ninja-build",
    "meson", "scons", "build-essential", "build-base", "alpine-sdk", "autoconf", "automake", "libtool",
    "pkg-config", "pkgconf", "pkgconfig", "bison", "flex", "gfortran", "ccache", "dpkg-dev", "musl-dev",
    "libc6-dev", "libc-dev", "linux-headers", "kernel-headers", "kernel-devel", "git", "subversion",
    "mercurial", "rust", "rustc", "cargo", "golang", "golang-go", "go", "maven", "gradle", "ant",
    "default-jdk", "default-jdk-headless", "nvidia-cuda-toolkit", "nvidia-cuda-dev", "binutils",
    "patch", "swig", "nasm", "yasm",
})
# Package families: headers (`-dev`, `-devel`), versioned compilers, JDKs, CUDA toolkits.
BUILD_TOOL_PACKAGE_PATTERN = lazy_compile(
    r"(?:.+-dev|.+-devel|.+-headers|cuda-toolkit.*|cuda-nvcc.*|cuda-libraries-dev.*|cuda-cudart-dev.*|"
    r"openjdk-?\d+-jdk.*|java-[\d.]+-openjdk-devel.*|gcc-\d+|g\+\+-\d+|clang-\d+|llvm-\d+(?:-dev)?|"
    r"golang-[\d.]+(?:-go)?|python\d?(?:\.\d+)?-dev)")
_RPM_VERSION = lazy_compile(r"-\d[\w.:+~-]*$")  # rpm style "gcc-12.2.1"

# package -> executables that prove it is installed (a version suffix, `gcc-12`, is allowed).
# The C compiler's own passes (cc1, cc1plus) count: a distribution may ship only those.
EXECUTABLES: dict[str, tuple[str, ...]] = {
    "gcc": ("gcc", "cc", "cc1"),
    "g++": ("g++", "c++", "cc1plus"),
    "clang": ("clang", "clang++"),
    "make": ("make", "gmake"),
    "cmake": ("cmake",),
    "ninja-build": ("ninja",),
    "gfortran": ("gfortran",),
    "git": ("git",),
    "rustc": ("rustc",),
    "cargo": ("cargo",),
    "default-jdk": ("javac",),
    "cuda-nvcc": ("nvcc",),
}
# Where an executable counts: PATH directories, gcc's private passes, CUDA and /opt toolchains.
EXECUTABLE_DIRS = ("bin/", "sbin/", "usr/bin/", "usr/sbin/", "usr/local/bin/", "usr/lib/gcc/",
                   "usr/libexec/", "usr/local/cuda", "opt/")
HEADER_DIRS = ("usr/include/", "usr/local/include/")
HEADER_SUFFIXES = (".h", ".hpp")

_EXECUTABLE_NAME = lazy_compile(
    "^(" + "|".join(re.escape(name) for names in EXECUTABLES.values() for name in names) + r")(-[0-9][0-9.]*)?$")


def is_build_tool_package(name: str) -> bool:
    """``gcc``, ``libpq-dev``, ``gcc-12.2.1`` (an rpm version), ``openjdk-17-jdk``: a build tool."""
    lowered = name.lower()
    if lowered in BUILD_TOOL_PACKAGES:
        return True
    base = _RPM_VERSION.sub("", lowered)
    return (base in BUILD_TOOL_PACKAGES or bool(BUILD_TOOL_PACKAGE_PATTERN.fullmatch(lowered))
            or bool(BUILD_TOOL_PACKAGE_PATTERN.fullmatch(base)))


def build_tool_executable(path: str) -> str | None:
    """The tool an image path (no leading ``/``) is, when it lies where executables live:
    ``usr/bin/gcc-12`` -> ``gcc``."""
    if not path.startswith(EXECUTABLE_DIRS):
        return None
    match = _EXECUTABLE_NAME.match(path.rpartition("/")[2])
    return match.group(1) if match else None

# A header package -> the runtime library a program built against it loads (Debian bookworm,
# Alpine). A split build installs these in the runtime stage; a header package not named
# here gets a note instead of a guess.
RUNTIME_LIBRARIES: dict[str, tuple[str, ...]] = {
    "libpq-dev": ("libpq5",), "postgresql-dev": ("libpq",),
    "default-libmysqlclient-dev": ("libmariadb3",), "libmariadb-dev": ("libmariadb3",),
    "mariadb-dev": ("mariadb-connector-c",), "mariadb-connector-c-dev": ("mariadb-connector-c",),
    "libxml2-dev": ("libxml2",), "libxslt1-dev": ("libxslt1.1",), "libxslt-dev": ("libxslt",),
    "libjpeg-dev": ("libjpeg62-turbo",), "libjpeg62-turbo-dev": ("libjpeg62-turbo",),
    "jpeg-dev": ("libjpeg-turbo",), "libpng-dev": ("libpng16-16",),
    "zlib1g-dev": ("zlib1g",), "zlib-dev": ("zlib",), "libffi-dev": ("libffi8",),
    "libssl-dev": ("libssl3",), "openssl-dev": ("libssl3",), "libsqlite3-dev": ("libsqlite3-0",),
    "libyaml-dev": ("libyaml-0-2",), "yaml-dev": ("yaml",), "libmagic-dev": ("libmagic1",),
    "libcurl4-openssl-dev": ("libcurl4",), "libldap2-dev": ("libldap-2.5-0",),
    "libsasl2-dev": ("libsasl2-2",), "libgeos-dev": ("libgeos-c1v5",), "libpcre3-dev": ("libpcre3",),
    "libbz2-dev": ("libbz2-1.0",), "liblzma-dev": ("liblzma5",), "libreadline-dev": ("libreadline8",),
    "libncurses-dev": ("libncursesw6",), "libncurses5-dev": ("libncurses5",),
    "libfreetype6-dev": ("libfreetype6",), "libwebp-dev": ("libwebp7",), "libtiff-dev": ("libtiff6",),
    "libopenblas-dev": ("libopenblas0",), "liblapack-dev": ("liblapack3",), "libblas-dev": ("libblas3",),
}
# Headers a build needs and a runtime never loads: nothing to install in the runtime stage.
BUILD_ONLY_HEADERS = frozenset({"linux-headers", "musl-dev", "libc6-dev", "libc-dev", "python3-dev",
                                "python-dev", "kernel-headers", "dpkg-dev"})

# Programs the full language images have (they are built on buildpack-deps: curl, VCS clients,
# compilers, archivers) and their slim variants do not. A RUN left in a runtime stage that
# moves to the slim base must not need one, unless that stage installs it. Program -> the
# Debian package that provides it, when its name differs.
FULL_IMAGE_ONLY_PROGRAMS: dict[str, str] = {
    "curl": "curl", "wget": "wget", "gpg": "gnupg", "gpg2": "gnupg", "dirmngr": "dirmngr",
    "git": "git", "hg": "mercurial", "svn": "subversion", "ssh": "openssh-client",
    "scp": "openssh-client", "sftp": "openssh-client", "ssh-keygen": "openssh-client",
    "ssh-keyscan": "openssh-client", "ps": "procps", "pkill": "procps", "pgrep": "procps",
    "free": "procps", "top": "procps", "watch": "procps", "autoconf": "autoconf",
    "automake": "automake", "autoreconf": "autoconf", "libtool": "libtool", "bzip2": "bzip2",
    "bunzip2": "bzip2", "file": "file", "convert": "imagemagick", "identify": "imagemagick",
    "patch": "patch", "unzip": "unzip", "xz": "xz-utils", "unxz": "xz-utils", "xzcat": "xz-utils",
    "pkg-config": "pkg-config", "make": "make", "gcc": "gcc", "cc": "gcc", "g++": "g++", "c++": "g++",
}
