"""SPDX license expressions (``MIT``, ``Apache-2.0 OR MIT``, ``GPL-2.0-or-later WITH
Classpath-exception-2.0``, ``LicenseRef-acme``) for the ``spdx`` label type (DL3054).

Grammar (SPDX specification, annex "SPDX license expressions"), loosest to tightest binding::

    expression := and-expr ("OR" and-expr)*
    and-expr   := with-expr ("AND" with-expr)*
    with-expr  := simple ["WITH" exception]
    simple     := license-id ["+"] | "LicenseRef-"idstring | "DocumentRef-"idstring":LicenseRef-"idstring
                | "(" expression ")"

Ids match case-insensitively, operators in upper or lower case, as the specification allows.

Why a compact list and not all ~700 SPDX ids: a label of type ``spdx`` holds the image's own
license, and images overwhelmingly use a few dozen licenses. The ids below cover the OSI and
FSF-approved licenses in common use and the usual Creative Commons and public-domain ones; a
rarer license can always be written as ``LicenseRef-<name>``, or the label given type ``text``.
Keeping the list here (a few KB, read only when such a label is checked) avoids a dependency
for one rule. tests/test_rules_labels.py checks every id here against the full SPDX list when
the ``packaging`` library (which ships it) is installed.
"""

from __future__ import annotations

from functools import cache

from dockwise._lazyre import lazy_compile

_LICENSE_IDS = """
0BSD AAL AFL-1.1 AFL-1.2 AFL-2.0 AFL-2.1 AFL-3.0 AGPL-1.0 AGPL-1.0-only AGPL-1.0-or-later
AGPL-3.0 AGPL-3.0-only AGPL-3.0-or-later Apache-1.0 Apache-1.1 Apache-2.0 APL-1.0 APSL-1.0
APSL-1.1 APSL-1.2 APSL-2.0 Artistic-1.0 Artistic-1.0-Perl Artistic-2.0 BitTorrent-1.1
BlueOak-1.0.0 BSD-1-Clause BSD-2-Clause BSD-2-Clause-Patent BSD-3-Clause BSD-3-Clause-Clear
BSD-3-Clause-LBNL BSD-4-Clause BSL-1.0 BUSL-1.1 bzip2-1.0.6 CAL-1.0 CATOSL-1.1 CC-BY-1.0
CC-BY-2.0 CC-BY-2.5 CC-BY-3.0 CC-BY-4.0 CC-BY-NC-4.0 CC-BY-NC-ND-4.0 CC-BY-NC-SA-4.0
CC-BY-ND-4.0 CC-BY-SA-3.0 CC-BY-SA-4.0 CC0-1.0 CDDL-1.0 CDDL-1.1 CECILL-2.0 CECILL-2.1
CECILL-B CECILL-C CERN-OHL-P-2.0 CERN-OHL-S-2.0 CERN-OHL-W-2.0 ClArtistic CNRI-Python
CPAL-1.0 CPL-1.0 curl ECL-1.0 ECL-2.0 EFL-1.0 EFL-2.0 Elastic-2.0 Entessa EPL-1.0 EPL-2.0
ErlPL-1.1 EUDatagrid EUPL-1.0 EUPL-1.1 EUPL-1.2 Fair FSFAP FSFUL FSFULLR FTL GFDL-1.1
GFDL-1.1-only GFDL-1.1-or-later GFDL-1.2 GFDL-1.2-only GFDL-1.2-or-later GFDL-1.3
GFDL-1.3-only GFDL-1.3-or-later GPL-1.0 GPL-1.0+ GPL-1.0-only GPL-1.0-or-later GPL-2.0
GPL-2.0+ GPL-2.0-only GPL-2.0-or-later GPL-3.0 GPL-3.0+ GPL-3.0-only GPL-3.0-or-later
HPND ICU IJG Imlib2 Intel IPA IPL-1.0 ISC JSON LGPL-2.0 LGPL-2.0+ LGPL-2.0-only
LGPL-2.0-or-later LGPL-2.1 LGPL-2.1+ LGPL-2.1-only LGPL-2.1-or-later LGPL-3.0 LGPL-3.0+
LGPL-3.0-only LGPL-3.0-or-later LGPLLR libpng libpng-2.0 libtiff LiLiQ-P-1.1 LiLiQ-R-1.1
LiLiQ-Rplus-1.1 LPL-1.0 LPL-1.02 LPPL-1.3c MirOS MIT MIT-0 MIT-CMU MIT-Modern-Variant
Motosoto MPL-1.0 MPL-1.1 MPL-2.0 MPL-2.0-no-copyleft-exception MS-PL MS-RL MulanPSL-2.0
Multics NASA-1.3 Naumen NCSA NGPL Nokia NPOSL-3.0 NTP OCLC-2.0 ODbL-1.0 OFL-1.0 OFL-1.1
OGTSL OLDAP-2.8 OpenSSL OPL-1.0 OSET-PL-2.1 OSL-1.0 OSL-1.1 OSL-2.0 OSL-2.1 OSL-3.0 PDDL-1.0
PHP-3.0 PHP-3.01 PostgreSQL PSF-2.0 Python-2.0 Python-2.0.1 QPL-1.0 RPL-1.1 RPL-1.5
RPSL-1.0 RSCPL Ruby SGI-B-2.0 SimPL-2.0 SISSL Sleepycat SMLNJ SPL-1.0 SSPL-1.0 UCL-1.0
Unicode-3.0 Unicode-DFS-2015 Unicode-DFS-2016 Unlicense UPL-1.0 VSL-1.0 W3C W3C-20150513
Watcom-1.0 WTFPL X11 Xnet XFree86-1.1 YPL-1.1 Zend-2.0 Zlib zlib-acknowledgement ZPL-1.1
ZPL-2.0 ZPL-2.1
"""

_EXCEPTION_IDS = """
389-exception Autoconf-exception-2.0 Autoconf-exception-3.0 Bison-exception-2.2
Bootloader-exception Classpath-exception-2.0 eCos-exception-2.0 Font-exception-2.0
GCC-exception-2.0 GCC-exception-3.1 GPL-3.0-linking-exception LGPL-3.0-linking-exception
Libtool-exception Linux-syscall-note LLVM-exception OCaml-LGPL-linking-exception
OpenJDK-assembly-exception-1.0 Qt-GPL-exception-1.0 Qt-LGPL-exception-1.1 Universal-FOSS-exception-1.0
WxWindows-exception-3.1
"""

_TOKEN = lazy_compile(r"\s*(?:(\()|(\))|([A-Za-z0-9.+:-]+))")
_ID_STRING = lazy_compile(r"[A-Za-z0-9.-]+")
_OPERATORS = {"and": "AND", "or": "OR", "with": "WITH"}


@cache
def _ids(text: str) -> frozenset[str]:
    return frozenset(word.lower() for word in text.split())


def license_ids() -> frozenset[str]:
    """The license ids known here, lower-cased."""
    return _ids(_LICENSE_IDS)


def exception_ids() -> frozenset[str]:
    return _ids(_EXCEPTION_IDS)


def _tokens(text: str) -> list[str] | None:
    tokens: list[str] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            return None
        word = match.group(3)
        if word is not None and word in ("AND", "OR", "WITH", "and", "or", "with"):
            word = _OPERATORS[word.lower()]
        tokens.append(word or match.group(1) or match.group(2))
        position = match.end()
    return tokens


def is_license_expression(text: str) -> bool:
    """Whether ``text`` is a valid SPDX license expression made of known ids."""
    tokens = _tokens(text)
    if not tokens:
        return False
    parser = _Parser(tokens)
    return parser.expression() and parser.position == len(tokens)


def _is_simple(token: str) -> bool:
    lowered = token.lower()
    if lowered.startswith("licenseref-"):
        return _ID_STRING.fullmatch(token[len("licenseref-"):]) is not None
    if lowered.startswith("documentref-"):
        document, colon, ref = token[len("documentref-"):].partition(":")
        return bool(colon) and _ID_STRING.fullmatch(document) is not None and _is_simple(ref) \
            and ref.lower().startswith("licenseref-")
    if lowered in license_ids():
        return True
    return lowered.endswith("+") and lowered[:-1] in license_ids()


class _Parser:
    """Recursive descent over the tokens; each method consumes what it recognises.

    Parentheses nest at most ``MAX_DEPTH`` deep: no licence needs more, and a hostile label
    value of thousands of ``(`` must be judged invalid, not exhaust Python's stack."""

    MAX_DEPTH = 32

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.position = 0
        self.depth = 0

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self, token: str) -> bool:
        if self._peek() == token:
            self.position += 1
            return True
        return False

    def expression(self) -> bool:
        if not self._and_expression():
            return False
        while self._take("OR"):
            if not self._and_expression():
                return False
        return True

    def _and_expression(self) -> bool:
        if not self._with_expression():
            return False
        while self._take("AND"):
            if not self._with_expression():
                return False
        return True

    def _with_expression(self) -> bool:
        if self._take("("):
            self.depth += 1
            if self.depth > self.MAX_DEPTH:
                return False
            inner = self.expression() and self._take(")")
            self.depth -= 1
            return inner
        token = self._peek()
        if token is None or token in ("AND", "OR", "WITH", ")") or not _is_simple(token):
            return False
        self.position += 1
        if self._take("WITH"):
            exception = self._peek()
            if exception is None or exception.lower() not in exception_ids():
                return False
            self.position += 1
        return True
