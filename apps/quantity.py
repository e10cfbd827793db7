"""Kubernetes resource quantities ("500m", "1.5Gi"): parsing and canonical forms.

Only the forms people write for CPU and memory are accepted; the exponent form
("1e3") is refused with a message rather than half-supported.
"""

import re
from decimal import Decimal, InvalidOperation

# ASCII only: Python's \d would also take digits of other scripts ("٥٠٠m"), which the
# API server refuses.
_QUANTITY = re.compile(r"^(?P<number>[0-9]+(\.[0-9]+)?|\.[0-9]+)(?P<suffix>[A-Za-z]*)$")

BINARY_SUFFIXES = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
DECIMAL_SUFFIXES = {
    "": 1,
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "P": 10**15,
    "E": 10**18,
}


class QuantityError(ValueError):
    pass


def _split(text: str) -> tuple[Decimal, str]:
    match = _QUANTITY.match(text.strip())
    if not match:
        raise QuantityError(text)
    try:
        return Decimal(match["number"]), match["suffix"]
    except InvalidOperation as error:
        raise QuantityError(text) from error


def cpu_millicores(text: str) -> Decimal:
    """ "500m" -> 500, "0.5" -> 500, "2" -> 2000."""
    number, suffix = _split(text)
    if suffix == "m":
        return number
    if suffix == "":
        return number * 1000
    raise QuantityError(text)


def memory_bytes(text: str) -> Decimal:
    """ "512Mi" -> 536870912, "1G" -> 1000000000, "1.5Gi" -> 1610612736."""
    number, suffix = _split(text)
    multiplier = BINARY_SUFFIXES.get(suffix) or DECIMAL_SUFFIXES.get(suffix)
    if multiplier is None:
        raise QuantityError(text)
    return number * multiplier
