"""A phone number as people type it at the desk: a Chinese input method gives full-width digits
(１３８…), people group digits with spaces or dashes. Those are normalised; anything else (a note
after the number, a stray letter) is not a phone number and is refused at the field, never dropped."""

from __future__ import annotations

import re
import unicodedata

PHONE = re.compile(r"^\+?[0-9]{5,20}$")
SEPARATORS = str.maketrans("", "", " \t\u00a0\u3000-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc")
NOT_A_PHONE = "must be a phone number"


def clean_phone(value: str) -> str:
    """Full-width digits to ASCII, spaces and dashes out (``１３８ １２３４-５６７８`` → ``13812345678``)."""
    return unicodedata.normalize("NFKC", value or "").strip().translate(SEPARATORS)


def is_phone(value: str) -> bool:
    return bool(PHONE.match(value))
