"""What every secret finding advises instead."""

from __future__ import annotations



ADVICE = "pass it at build time with `RUN --mount=type=secret,id=…` (or at run time) instead"
