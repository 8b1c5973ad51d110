"""API clients: a random token shown once, only its SHA-256 stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.petitions import ApiClient
from workflows.errors import Conflict, InvalidInput


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


SCOPES = {"petitions:write": "登记信访件", "items:write": "登记督办件", "subjects:read": "查询督办事项",
          "changes:read": "同步变更"}


def create_client(session: Session, *, name: str, now: datetime, scopes: tuple[str, ...] = ("petitions:write",),
                  expires_at: datetime | None = None) -> tuple[ApiClient, str]:
    name = name.strip()
    if not name or len(name) > 64:
        raise InvalidInput("客户端名称不能为空且不超过64个字", "name")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise InvalidInput(f"未知的权限范围：{'、'.join(unknown) or '（空）'}；可用：{' '.join(SCOPES)}", "scopes")
    if session.scalar(select(ApiClient.id).where(ApiClient.name == name)):
        raise Conflict(f"客户端 {name} 已存在")
    token = secrets.token_urlsafe(32)
    client = ApiClient(name=name, token_hash=_hash(token), active=True, created_at=now, scopes=" ".join(scopes),
                       expires_at=expires_at)
    session.add(client)
    session.flush()
    return client, token


def authenticate(session: Session, token: str, now: datetime) -> ApiClient | None:
    if not token:
        return None
    client = session.scalar(select(ApiClient).where(ApiClient.token_hash == _hash(token)))
    if client is None or not client.active or (client.expires_at is not None and client.expires_at <= now):
        return None
    client.last_used_at = now
    return client


def allows(client: ApiClient, scope: str) -> bool:
    return scope in (client.scopes or "").split()
