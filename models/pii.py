"""Personal data at rest (GB/T 22239 8.1.4.7/8.1.4.8): petitioners' phone and ID numbers, and the ledger rows that
carry them, are stored encrypted (AES-256-GCM, or SM4-GCM where the national algorithms are required).

Each stored value names the key that wrote it (`e1:<key id>:<cipher>:<base64 nonce+ciphertext+tag>`), so a key
rotation (`flask pii-rotate`) can stop and resume: every key of the ring decrypts, only the current one encrypts.
The column's name is the associated data, so a value copied into another column does not decrypt.
Repeat detection and search use a blind index: a keyed HMAC of the normalised value (`blind`), looked up under
every key of the ring (`blinds`) so that matching keeps working while a rotation is half done.
Keys come from the configuration (PII_KEY, PII_OLD_KEYS), never from the database; `configure` is called at
start-up. Nothing is written with an unconfigured ring.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import String, Text
from sqlalchemy.types import TypeDecorator

PREFIX = "e1"
CIPHERS = {"aes-256-gcm": "a", "sm4-gcm": "s"}
INDEX_HEX = 32  # 128 bits of HMAC-SHA256 per blind index value
# What each encrypted column is (the associated data of its values) and what each blind index is of.
PHONE, ID_NO, IMPORT_ROWS = "petition.petitioner_phone", "petition.petitioner_id_no", "petition_import_job.rows"
PHONE_INDEX, ID_INDEX = "phone", "id"


class PiiKeyError(RuntimeError):
    """No key, or a value written with a key the ring does not hold."""


@dataclass(frozen=True)
class Key:
    kid: str
    enc: bytes
    index: bytes


def derive(secret: str) -> Key:
    """One configured secret gives an encryption key, an index key and a public key id (independent HMACs)."""
    master = secret.encode()

    def sub(label: bytes) -> bytes:
        return hmac.new(master, b"duban-pii/" + label, hashlib.sha256).digest()

    return Key(kid=sub(b"kid").hex()[:8], enc=sub(b"enc"), index=sub(b"index"))


_ring: dict[str, Any] = {"current": None, "keys": {}, "cipher": "aes-256-gcm"}


def configure(current: str, old: list[str] | tuple[str, ...] = (), cipher: str = "aes-256-gcm") -> None:
    if cipher not in CIPHERS:
        raise ValueError(f"unknown PII cipher {cipher!r}; use one of {tuple(CIPHERS)}")
    if not current:
        raise PiiKeyError("PII_KEY is not set")
    keys = [derive(s) for s in (current, *[o for o in old if o])]
    _ring.update(current=keys[0], keys={k.kid: k for k in keys}, cipher=cipher)


def current_kid() -> str:
    return _current().kid


def _current() -> Key:
    if _ring["current"] is None:
        raise PiiKeyError("个人信息加密密钥（PII_KEY）未配置")
    return _ring["current"]


def _seal(key: bytes, cipher: str, nonce: bytes, plain: bytes, aad: bytes) -> bytes:
    if cipher == "a":
        return AESGCM(key).encrypt(nonce, plain, aad)
    enc = Cipher(algorithms.SM4(key[:16]), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(aad)
    return enc.update(plain) + enc.finalize() + enc.tag


def _open(key: bytes, cipher: str, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    if cipher == "a":
        return AESGCM(key).decrypt(nonce, sealed, aad)
    dec = Cipher(algorithms.SM4(key[:16]), modes.GCM(nonce, sealed[-16:])).decryptor()
    dec.authenticate_additional_data(aad)
    return dec.update(sealed[:-16]) + dec.finalize()


def encrypt(plain: str, purpose: str) -> str:
    """The stored form of `plain`; the empty string stays empty (nothing to hide, and "no phone" is common)."""
    if not plain:
        return ""
    key, cipher = _current(), CIPHERS[_ring["cipher"]]
    nonce = os.urandom(12)
    sealed = _seal(key.enc, cipher, nonce, plain.encode(), purpose.encode())
    return f"{PREFIX}:{key.kid}:{cipher}:{base64.b64encode(nonce + sealed).decode()}"


def is_encrypted(stored: str | None) -> bool:
    return bool(stored) and stored.startswith(PREFIX + ":")


def key_id(stored: str | None) -> str | None:
    return stored.split(":", 3)[1] if is_encrypted(stored) else None


def decrypt(stored: str | None, purpose: str) -> str:
    """The clear value. A value from before encryption (no prefix) is returned as it is, so the migration and a
    half-finished upgrade read; a value under an unknown key or altered refuses loudly."""
    if not is_encrypted(stored):
        return stored or ""
    _, kid, cipher, body = stored.split(":", 3)
    key = _ring["keys"].get(kid)
    if key is None:
        raise PiiKeyError(f"个人信息由密钥 {kid} 加密，但当前配置中没有该密钥（PII_OLD_KEYS）")
    raw = base64.b64decode(body)
    try:
        return _open(key.enc, cipher, raw[:12], raw[12:], purpose.encode()).decode()
    except InvalidTag as exc:
        raise PiiKeyError(f"个人信息密文校验失败（{purpose}）") from exc


def _index(key: Key, purpose: str, norm: str) -> str:
    return hmac.new(key.index, f"{purpose}\0{norm}".encode(), hashlib.sha256).hexdigest()[:INDEX_HEX]


def blind(norm: str | None, purpose: str) -> str | None:
    """The blind index of a normalised value under the current key (None for no value)."""
    return _index(_current(), purpose, norm) if norm else None


def blinds(norm: str | None, purpose: str) -> list[str]:
    """Its blind index under every key of the ring: what a lookup matches while a rotation is under way."""
    if not norm:
        return []
    _current()
    return [_index(k, purpose, norm) for k in _ring["keys"].values()]


class EncryptedString(TypeDecorator):
    """A text column stored encrypted; Python sees the clear value. Not comparable in SQL (use a blind index)."""

    impl = String
    cache_ok = True

    def __init__(self, length: int, purpose: str):
        super().__init__(length)
        self.purpose = purpose

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value, self.purpose)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value, self.purpose)


class EncryptedJSON(TypeDecorator):
    """A JSON document stored as one encrypted text value."""

    impl = Text
    cache_ok = True

    def __init__(self, purpose: str):
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(json.dumps(value, ensure_ascii=False, default=str), self.purpose)

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(decrypt(value, self.purpose) or "null")
