"""Sizes, the one way every command reads and writes them (see docs/units.md).

Reading (``--large``, ``--max-size``, ``--max-reclaimable``, ``--hidden-threshold``, a
``.dive-ci``'s ``highestWastedBytes``): ``k``/``M``/``G``/``T`` and ``kB``/``MB``/``GB``/``TB``
are powers of 1000, as ``docker`` and dive print and read them; ``Ki``/``Mi``/``Gi``/``Ti`` and
``KiB``/``MiB``/``GiB``/``TiB`` are powers of 1024; a bare number is bytes. Case does not
matter (``10mb`` is ``10MB``): nobody means bits here.

Rates (``--bandwidth``): ``1Gbit``, ``100Mbit``, ``1Gbps`` are bits per second (a network's
speed is sold in bits); ``125MB/s`` or ``100MiB/s`` are bytes per second, with the size units
above. :func:`parse_rate` returns bytes per second.

Writing: :func:`human_bytes` always prints binary units with their IEC names (``12.3 MiB``),
so a printed size says which unit it is in; the exact byte count is there where it matters.
"""

from __future__ import annotations

from dockwise._lazyre import lazy_compile

MULTIPLIERS = {"": 1, "b": 1,
               "k": 1000, "kb": 1000, "m": 1000**2, "mb": 1000**2,
               "g": 1000**3, "gb": 1000**3, "t": 1000**4, "tb": 1000**4,
               "ki": 1024, "kib": 1024, "mi": 1024**2, "mib": 1024**2,
               "gi": 1024**3, "gib": 1024**3, "ti": 1024**4, "tib": 1024**4}
_SIZE = lazy_compile(r"\s*([0-9]{1,30}(?:\.[0-9]{0,30})?)\s*([a-zA-Z]{0,3})\s*")
EXAMPLES = "examples: 250MB, 1.5GiB, 10M, 512Ki, 1048576"


def parse_size(text: str | int | float) -> int:
    """``250MB`` -> 250000000, ``1.5GiB`` -> 1610612736, ``1048576`` -> 1048576 (rounded down to
    a whole byte). Raises ValueError with the accepted forms for anything else (a sign, an
    exponent, ``nan``, an unknown unit)."""
    if isinstance(text, bool):
        raise ValueError(f"not a size: {text!r} ({EXAMPLES})")
    match = _SIZE.fullmatch(str(text))
    unit = match.group(2).lower() if match else None
    if match is None or unit not in MULTIPLIERS:
        raise ValueError(f"not a size: {text!r} ({EXAMPLES})")
    from fractions import Fraction  # exact: 1.1GB is 1100000000 bytes, not a float's rounding

    number = match.group(1).rstrip(".") or "0"
    return int(Fraction(number) * MULTIPLIERS[unit])


_RATE = lazy_compile(r"\s*([0-9]{1,30}(?:\.[0-9]{0,30})?)\s*([kKmMgGtT]?)(?:bit|bps|b/s)\s*")
RATE_EXAMPLES = "examples: 1Gbit, 100Mbit, 10Gbps, 125MB/s, 100MiB/s"


def parse_rate(text: str) -> float:
    """Bytes per second: ``1Gbit`` (also ``1Gbps``, ``1Gb/s``) -> 125000000.0 (bits, powers of
    1000); ``125MB/s`` -> 125000000.0 (a size per second). Raises ValueError otherwise, and
    for zero."""
    from fractions import Fraction

    stripped = str(text).strip()
    bits = _RATE.fullmatch(stripped) if not stripped.endswith("B/s") else None
    if bits is not None:
        number = Fraction(bits.group(1).rstrip(".") or "0")
        rate = number * MULTIPLIERS[bits.group(2).lower()] / 8
    elif stripped.endswith("/s"):
        try:
            rate = Fraction(parse_size(stripped[:-2]))
        except ValueError:
            raise ValueError(f"not a rate: {text!r} ({RATE_EXAMPLES})") from None
    else:
        raise ValueError(f"not a rate: {text!r} ({RATE_EXAMPLES})")
    if rate <= 0:
        raise ValueError(f"a rate must be above zero: {text!r}")
    return float(rate)


def rate_option(text: str) -> float:
    """:func:`parse_rate` as an argparse ``type``."""
    import argparse

    try:
        return parse_rate(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def human_rate(rate: float) -> str:
    """Bytes per second as a network speed: ``125000000.0`` -> ``1 Gbit/s``."""
    bits = rate * 8
    for unit, scale in (("Tbit/s", 1e12), ("Gbit/s", 1e9), ("Mbit/s", 1e6), ("kbit/s", 1e3)):
        if bits >= scale:
            return f"{bits / scale:.3g} {unit}"
    return f"{bits:.3g} bit/s"


def human_duration(seconds: float) -> str:
    """``0.4`` -> ``0.4 s``, ``75`` -> ``1 min 15 s``, ``4000`` -> ``1 h 6 min``."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


def size_option(text: str) -> int:
    """:func:`parse_size` as an argparse ``type``: every size flag of every command uses it."""
    import argparse

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def human_bytes(size: float) -> str:
    """``1536`` -> ``1.5 KiB``: binary units, named as such, one decimal (whole bytes below 1 KiB)."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(size) < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"  # pragma: no cover
