"""What the user typed as a database, taken apart by structure: libpq's parameters, a label that
is safe to print, and the secrets to mask in messages.

Nothing here ever echoes the text itself: a URL that cannot be parsed is described ("holds a
space"), never quoted, because the part that broke the parse is usually the password.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from ..errors import Problem, UserError

URL_SCHEMES = ("postgresql://", "postgres://")
SECRET_KEYS = ("password", "sslpassword")
LABEL_KEYS = ("host", "hostaddr", "port", "dbname", "user")
URL_FORM = "use postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
ENCODE_HINT = "percent-encode special characters in the password (space %20, @ %40, / %2F, ? %3F, # %23, % %25)"
# A masked token must stand alone: masking `postgres` inside `postgresql` is what garbled messages.
MIN_MASKED_LENGTH = 3
TOKEN_SPLIT = re.compile(r"[\s@:/?#&='\"]+")


@dataclass(frozen=True, slots=True)
class Parsed:
    params: dict[str, str]
    label: str
    secrets: tuple[str, ...]


def parse(text: str, source: str) -> Parsed:
    """libpq's parameters of a URL or key=value string; every failure names `source`, never the text."""
    from psycopg.conninfo import conninfo_to_dict

    is_url = text.startswith(URL_SCHEMES)
    if not text.strip():
        raise UserError(Problem(source, "the connection URL is empty", URL_FORM))
    if not is_url and text.lower().startswith(URL_SCHEMES):
        raise UserError(Problem(source, "the URL's scheme must be written in lower case", URL_FORM))
    if is_url:
        _check_url_shape(text, source)
    elif "=" not in text:
        raise UserError(Problem(source, "not a valid connection URL: neither postgresql://... nor key=value pairs (not shown, in case it holds a password)",
                                f"{URL_FORM}, or key=value pairs such as host=... dbname=..."))
    try:
        params = conninfo_to_dict(text)
    except Exception as exc:  # libpq's message quotes the offending part: describe it instead
        raise UserError(Problem(source, f"not a valid connection {'URL' if is_url else 'string'} ({_describe(str(exc))})",
                                URL_FORM if is_url else "write key=value pairs; quote values holding spaces: password='a b c'")) from None
    port = params.get("port", "")
    if any(part and not part.isdigit() for part in port.split(",")):
        raise UserError(Problem(source, "not a valid connection URL (the port is not a number)", URL_FORM))
    return Parsed(params, _label(params, is_url), secrets_of(params))


def _check_url_shape(text: str, source: str) -> None:
    """Reject what libpq would split in the wrong place, which would print part of the password as a host."""
    rest = text.split("://", 1)[1]
    if any(c.isspace() for c in text):
        why = "holds a space"
    else:
        # libpq ends USER:PASSWORD at the first '@' or '/': any '@' after that means the password held one.
        split_at = min((i for i in (rest.find("@"), rest.find("/")) if i >= 0), default=-1)
        after_user = rest[split_at + 1:] if split_at >= 0 and rest[split_at] == "@" else rest
        if "@" not in after_user:
            return
        why = "holds an '@' or '/' that is not part of USER:PASSWORD@HOST"
    raise UserError(Problem(source, f"not a valid connection URL: it {why} (the URL is not shown, in case that is in the password)",
                            ENCODE_HINT))


def _describe(message: str) -> str:
    """libpq's complaint, in our words, without the fragment it quotes."""
    lowered = message.lower()
    for clue, meaning in (("percent-encoded", "a % is not followed by two hex digits; write % itself as %25"),
                          ("unexpected spaces", "it holds a space"),
                          ("query parameter", "the part after ? is not key=value pairs joined by &"),
                          ("unterminated quoted string", "a quoted value is not closed"),
                          ('missing "="', "a word without =; quote values holding spaces"),
                          ("invalid connection option", "an unknown parameter name"),
                          ("ipv6", "an IPv6 host is not closed with ]")):
        if clue in lowered:
            return meaning
    return "libpq cannot parse it"


def _label(params: dict[str, str], as_url: bool) -> str:
    """The target as messages show it, rebuilt from the parameters: the password is `***`, whatever it holds."""
    hidden = "***" if any(params.get(k) for k in SECRET_KEYS) else ""
    if not as_url:
        shown = [f"{k}={_conninfo_value(params[k])}" for k in LABEL_KEYS if params.get(k)]
        return " ".join(shown + ([f"password={hidden}"] if hidden else []))
    user = quote(params.get("user", ""), safe="")
    userinfo = user + (f":{hidden}" if hidden else "")
    hosts = [f"[{h}]" if ":" in h else quote(h, safe=".-_") for h in params.get("host", "").split(",") if h]
    ports = params.get("port", "").split(",")
    netloc = ",".join(h + (f":{ports[i]}" if i < len(ports) and ports[i] else "") for i, h in enumerate(hosts))
    if not hosts and params.get("port"):
        netloc = f":{params['port']}"
    return f"postgresql://{userinfo + '@' if userinfo else ''}{netloc}/{quote(params.get('dbname', ''), safe='')}"


def _conninfo_value(value: str) -> str:
    if value and not re.search(r"[\s'\\]", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def secrets_of(params: dict[str, str]) -> tuple[str, ...]:
    return tuple(params[k] for k in SECRET_KEYS if params.get(k))


def guess_secrets(text: str) -> tuple[str, ...]:
    """Passwords in text that may not parse at all (a command line, a variable): for masking only.

    Generous on purpose: the userinfo up to the LAST '@' (an unencoded '@' in the password), and a
    keyword value up to the next `key=` (an unquoted value with spaces).
    """
    found: list[str] = []
    try:
        from psycopg.conninfo import conninfo_to_dict

        found += secrets_of(conninfo_to_dict(text))
    except Exception:
        pass
    if "://" in text:
        rest = text.split("://", 1)[1]
        userinfo = rest[: rest.rfind("@")] if "@" in rest else ""
        if ":" in userinfo:
            password = userinfo.split(":", 1)[1]
            found += [password, unquote(password)]
    for match in re.finditer(r"(?:ssl)?password\s*=\s*('(?:\\.|[^'\\])*'?|.*?)(?=\s+[\w.]+\s*=|&|$)", text, re.S):
        value = match.group(1)
        found += [value, value.strip("'"), unquote(value)]
    return tuple(dict.fromkeys(s for s in found if s))


def mask(text: str, secrets: tuple[str, ...] | list[str]) -> str:
    """Hide each secret, and each of its words, where it stands as a whole token in `text`.

    Never a blind substring replace: with the password `postgres`, `postgresql://` stays readable,
    but a quoted `"postgres"` is masked. Pieces shorter than MIN_MASKED_LENGTH are left alone: masking
    every `a` would make the message unreadable and protect nothing.
    """
    pieces: set[str] = set()
    for secret in secrets:
        for variant in (secret, quote(secret, safe="")):
            pieces.add(variant)
            pieces.update(TOKEN_SPLIT.split(variant))
    pieces = {p for p in pieces if len(p) >= MIN_MASKED_LENGTH}
    for piece in sorted(pieces, key=len, reverse=True):
        text = re.sub(rf"(?<![^\W_]){re.escape(piece)}(?![^\W_])", "***", text)
    return text
