"""Normal forms used to find repeats (phone, ID number, address key, text) and to mask petitioner data."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from models import pii

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
# Prefixes that say nothing about the place: city, district, and the street office name.
ADDRESS_NOISE = re.compile(r"^(中国)?(上海市?)?(长宁区)?([\u4e00-\u9fa5]{2,4}(街道|镇)(?=[\u4e00-\u9fa5]+路))?")
CN_NUMBER_BEFORE_UNIT = re.compile(r"([零〇一二两三四五六七八九十百千]+)(?=[号弄栋幢室楼层支])")
NON_WORD = re.compile(r"[^\w]|_", re.UNICODE)
ID_PATTERN = re.compile(r"^\d{17}[\dX]$|^\d{15}$")


def _fold(text: str) -> str:
    """Full-width to half-width, traditional variants of a few address characters, no spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    return text.replace("號", "号").replace("樓", "楼").replace("衖", "弄")


def cn_to_int(text: str) -> int:
    """Small Chinese numerals (一百二十三, 十五, 二〇五) as an integer."""
    if all(ch in CN_DIGITS for ch in text):
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        else:
            total += (current or 1) * CN_UNITS[ch]
            current = 0
    return total + current


def phone_norm(phone: str) -> str | None:
    digits = re.sub(r"\D", "", _fold(phone))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if digits.startswith("021") and len(digits) == 11:
        digits = digits[3:]
    return digits if len(digits) >= 7 else None


def id_norm(id_no: str) -> str | None:
    value = re.sub(r"\s", "", _fold(id_no)).upper()
    return value if ID_PATTERN.match(value) else None


def phone_index(phone: str) -> str | None:
    """The blind index (keyed HMAC) of a phone's normal form, under the current PII key."""
    return pii.blind(phone_norm(phone), pii.PHONE_INDEX)


def id_index(id_no: str) -> str | None:
    return pii.blind(id_norm(id_no), pii.ID_INDEX)


def phone_indexes(phone: str) -> list[str]:
    """Its blind index under every key of the ring (a lookup that works mid-rotation)."""
    return pii.blinds(phone_norm(phone), pii.PHONE_INDEX)


def id_indexes(id_no: str) -> list[str]:
    return pii.blinds(id_norm(id_no), pii.ID_INDEX)


def id_valid(id_no: str) -> bool:
    return not id_no.strip() or id_norm(id_no) is not None


def address_key(address: str) -> str | None:
    """The building an address names: noise prefixes dropped, numerals as digits, cut after 号/弄."""
    text = NON_WORD.sub("", _fold(address))
    text = ADDRESS_NOISE.sub("", text)
    text = CN_NUMBER_BEFORE_UNIT.sub(lambda m: str(cn_to_int(m.group(1))), text)
    match = re.search(r"^(.*?\d+弄(?:\d+号)?|.*?\d+号)", text)
    if match:
        text = match.group(1)
    return text[:200] or None


def text_norm(content: str) -> str:
    """Content without punctuation or spaces, for character-level similarity."""
    return NON_WORD.sub("", _fold(content))[:2000]


def content_hash(received_iso: str, phone: str, address: str, content: str) -> str:
    body = "\n".join([received_iso, phone_norm(phone) or "", address_key(address) or "", text_norm(content)])
    return hashlib.sha256(body.encode()).hexdigest()


def mask_phone(phone: str) -> str:
    p = phone.strip()
    if len(p) <= 4:
        return "*" * len(p)
    if len(p) < 8:
        return p[:2] + "*" * (len(p) - 4) + p[-2:]
    return p[:3] + "*" * (len(p) - 7) + p[-4:]


def mask_id(id_no: str) -> str:
    p = id_no.strip()
    if len(p) <= 8:
        return "*" * len(p)
    return p[:4] + "*" * (len(p) - 8) + p[-4:]


def mask_name(name: str) -> str:
    p = name.strip()
    if not p:
        return ""
    return p[0] + "*" * max(len(p) - 1, 1)
