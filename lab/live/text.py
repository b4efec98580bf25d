"""Secrets and a student's text.

A class code is what a teacher writes on the board: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L),
31^6 ≈ 8.9e8 codes, so with at most 50 classes open one guess in ~18 million finds one; joining attempts are also
rate-limited (limits.py). The teacher key never leaves the teacher's page: secrets.token_urlsafe, compared in constant
time. A nickname or a choice is kept as plain text (the page shows it with textContent): Unicode normalised, control,
format (bidi overrides, zero-width) and private characters removed, whitespace collapsed, length capped."""
from __future__ import annotations

import hmac
import secrets
import unicodedata

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0 O 1 I L: read aloud or off a projector without doubt
CODE_LENGTH = 6
KEY_BYTES = 24  # 32 characters of token_urlsafe
ZWJ = "\u200d"  # kept: it joins emoji (👩‍🏫), while other format characters (bidi overrides) are removed
REMOVED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}  # control, format, surrogate, private use, unassigned


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def read_code(text: object) -> str | None:
    """A code as typed (any case, spaces or dashes: "ab3 d-7k") -> "AB3D7K"; None when it cannot be a code."""
    if not isinstance(text, str) or len(text) > 4 * CODE_LENGTH:
        return None
    code = "".join(c for c in text.upper() if c not in " -")
    return code if len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code) else None


def same_secret(given: object, expected: str) -> bool:
    """Constant-time comparison (a wrong key takes as long to refuse whatever its first characters)."""
    return isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())


def plain_text(text: object, max_chars: int) -> str:
    """A short line of plain text from whatever a client sent ("" for a non-text)."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text[: 8 * max_chars])  # bounded work before cleaning
    kept = "".join(c if not c.isspace() else " " for c in text
                   if c == ZWJ or c.isspace() or unicodedata.category(c) not in REMOVED_CATEGORIES)
    return " ".join(kept.split())[:max_chars].strip()
