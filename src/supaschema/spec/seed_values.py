"""A seed value checked against its column's type as PostgreSQL's input functions would check it,
and the canonical form under which PostgreSQL compares two values (for duplicate keys).

What PostgreSQL would refuse at push time (`99999` in numeric(12,8), 40000 in smallint, a malformed
uuid, 'abcd' in varchar(3)) or change silently (0.123456789 rounded into numeric(12,8)) is reported
at the value's line instead.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from ..errors import excerpt
from .expressions import ValueKind, value_kind

_INTEGER_BITS = {"SMALLINT": 16, "SMALLSERIAL": 16, "INT": 32, "SERIAL": 32, "BIGINT": 64, "BIGSERIAL": 64}
# uuid_in: 32 hex digits, a hyphen allowed after any group of four, optionally in braces.
_UUID = re.compile(r"[0-9A-Fa-f]{4}(?:-?[0-9A-Fa-f]{4}){7}")


@dataclass(frozen=True, slots=True)
class Domain:
    """What a column accepts, as far as seeds are concerned."""

    type: str
    kind: ValueKind
    name: str = ""  # sqlglot's name for the type: INT, DECIMAL, VARCHAR, UUID...
    bits: int | None = None  # integers
    precision: int | None = None  # numeric(p, s)
    scale: int | None = None
    float_bits: int | None = None  # real: 32, double precision: 64
    length: int | None = None  # varchar(n), char(n)
    padded: bool = False  # char(n): trailing spaces do not count
    uuid: bool = False


@lru_cache(maxsize=1024)
def domain_of(type_text: str) -> Domain:
    from sqlglot import exp

    kind = value_kind(type_text)
    try:
        data_type = exp.DataType.build(type_text, dialect="postgres")
    except Exception:  # noqa: BLE001 - the reader reported a bad type already
        return Domain(type_text, kind)
    name = data_type.this.name
    if name in _INTEGER_BITS:
        return Domain(type_text, ValueKind.INTEGER, name, bits=_INTEGER_BITS[name])
    return _with_parameters(Domain(type_text, kind, name), data_type)


def _with_parameters(domain: Domain, data_type) -> Domain:
    from dataclasses import replace

    name = domain.name
    params = [int(p.name) for p in data_type.expressions if p.name.isascii() and p.name.isdigit()]
    if name == "DECIMAL" and params:
        return replace(domain, precision=params[0], scale=params[1] if len(params) > 1 else 0)
    if name in ("FLOAT", "DOUBLE"):
        narrow = name == "FLOAT" or (bool(params) and params[0] <= 24)  # float(p): real up to 24 bits
        return replace(domain, float_bits=32 if narrow else 64)
    if name == "UUID":
        return replace(domain, uuid=True)
    if name in ("VARCHAR", "CHAR", "BPCHAR"):
        length = params[0] if params else (1 if name == "CHAR" else None)  # bare `char` is char(1)
        return replace(domain, length=length, padded=name != "VARCHAR")
    return domain


def compares_like_python(domain: Domain) -> bool:
    """Whether Python's comparison of the stored values is PostgreSQL's: exact numbers, booleans, plain text."""
    return domain.name in (*_INTEGER_BITS, "DECIMAL", "BOOLEAN", "TEXT", "VARCHAR")


class BadValue(Exception):
    def __init__(self, what: str, fix: str = ""):
        super().__init__(what)
        self.what, self.fix = what, fix


def number(raw: str, domain: Domain) -> int | Decimal:
    """A number as PostgreSQL would store it in this column, or BadValue."""
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise BadValue(f"{excerpt(raw)} is not a number", "write a plain decimal such as 0.0025") from None
    if not value.is_finite():
        raise BadValue(f"{excerpt(raw)} is not a finite number")
    if domain.kind is ValueKind.INTEGER:
        return _integer(raw, value, domain)
    if domain.precision is not None:
        _fits_numeric(raw, value, domain)
    if domain.float_bits is not None:
        _fits_float(raw, value, domain)
    return value


def _integer(raw: str, value: Decimal, domain: Domain) -> int:
    if value != value.to_integral_value():
        raise BadValue(f"{excerpt(raw)} is not a whole number")
    bits = domain.bits or 64
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    if not low <= value <= high:
        raise BadValue(f"{excerpt(raw)} is out of range for {domain.type} ({low} to {high})",
                       "use a value in range, or a wider type (integer, bigint)")
    return int(value)


def _fits_numeric(raw: str, value: Decimal, domain: Domain) -> None:
    precision, scale = domain.precision, domain.scale or 0
    rounded = value.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    if rounded != value:
        raise BadValue(f"{excerpt(raw)} has more than {scale} decimal places: {domain.type} would store it as {rounded}",
                       f"write at most {scale} decimals, or declare a larger scale")
    if abs(rounded) >= Decimal(10) ** (precision - scale):
        raise BadValue(f"{excerpt(raw)} does not fit {domain.type}: at most {precision - scale} digits before the point",
                       "use a smaller value, or declare a larger precision")


def _fits_float(raw: str, value: Decimal, domain: Domain) -> None:
    stored = float(value)
    if domain.float_bits == 32:
        try:
            stored = struct.unpack("f", struct.pack("f", stored))[0]
        except OverflowError:
            stored = float("inf")
    if stored in (float("inf"), float("-inf")) or (stored == 0 and value != 0):
        raise BadValue(f"{excerpt(raw)} is out of range for {domain.type}")


def text(raw: str, domain: Domain) -> str:
    if "\0" in raw:
        raise BadValue("text cannot hold a NUL character")
    if domain.uuid and not _is_uuid(raw):
        raise BadValue(f"{excerpt(raw)} is not a uuid", "write 32 hexadecimal digits, e.g. 123e4567-e89b-12d3-a456-426614174000")
    if domain.length is not None and len(raw) > domain.length:
        raise BadValue(f"{excerpt(raw)} has {len(raw)} characters, more than {domain.type} holds ({domain.length})",
                       "shorten the value, or declare a longer type")
    return raw


def _is_uuid(raw: str) -> bool:
    inner = raw[1:-1] if raw.startswith("{") and raw.endswith("}") else raw
    return _UUID.fullmatch(inner) is not None


def canonical(value, domain: Domain):
    """The value under PostgreSQL's equality for this type: uuids ignore case and hyphens,
    char(n) ignores trailing spaces, numbers compare by value (1.0 = 1)."""
    if value is None or isinstance(value, bool):
        return value
    if domain.uuid:
        return re.sub(r"[{}-]", "", value).lower()
    if isinstance(value, str):
        return value.rstrip(" ") if domain.padded else value
    if domain.float_bits is not None:
        return float(value)
    return Decimal(value).normalize()
