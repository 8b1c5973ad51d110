"""Petitioners' personal data: the audited reveal of a masked value, and the key rotation of the stored values.

Values are encrypted by `models.pii`; each names its key, so the rotation re-encrypts only what the current key
did not write, in batches the caller commits: stopped half-way it resumes, and every key of the ring still
decrypts (and matches, through `pii.blinds`) in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import pii
from models.org import User
from models.petitions import FAMILY_PETITION, Petition
from workflows import audit
from workflows.errors import InvalidInput, NotFound, PermissionDenied
from workflows.petitions import access, normalize

FIELDS = {"phone": ("petitioner_phone", "联系电话"), "id_no": ("petitioner_id_no", "身份证号")}
_PETITION = sa.table("petition", sa.column("id", sa.Integer), sa.column("petitioner_phone", sa.String),
                     sa.column("petitioner_id_no", sa.String), sa.column("phone_index", sa.String),
                     sa.column("id_index", sa.String))
_JOB = sa.table("petition_import_job", sa.column("id", sa.Integer), sa.column("rows", sa.Text))


def reveal(session: Session, *, actor: User, now: datetime, petition_id: int, field: str) -> str:
    """The full value of one masked field, for someone who may see the petition but does not handle it."""
    petition = session.get(Petition, petition_id)
    if petition is None or not access.can_view(actor, petition):
        raise NotFound("信访件不存在")  # out of scope answers like an unknown id
    if field not in FIELDS:
        raise InvalidInput("未知的字段", "field")
    if not access.can_reveal(actor, petition):
        raise PermissionDenied("无权查看完整个人信息")
    attr, label = FIELDS[field]
    audit.record(session, actor=actor, now=now, family=FAMILY_PETITION, subject_id=petition.id,
                 action="pii_revealed", summary=f"查看信访人完整{label}", details={"field": field})
    session.flush()
    return getattr(petition, attr)


@dataclass
class Rotation:
    petitions: int = 0
    jobs: int = 0


def _stale(column, kid: str):
    return sa.and_(column != "", sa.not_(column.like(f"{pii.PREFIX}:{kid}:%")))


def rotate_batch(session: Session, *, batch: int = 500) -> Rotation:
    """Re-encrypt up to `batch` petitions and import jobs not yet under the current key (flushed, not committed)."""
    kid, done = pii.current_kid(), Rotation()
    t = _PETITION.c
    rows = session.execute(sa.select(t.id, t.petitioner_phone, t.petitioner_id_no)
                           .where(sa.or_(_stale(t.petitioner_phone, kid), _stale(t.petitioner_id_no, kid)))
                           .order_by(t.id).limit(batch)).all()
    for row in rows:
        phone, id_no = pii.decrypt(row.petitioner_phone, pii.PHONE), pii.decrypt(row.petitioner_id_no, pii.ID_NO)
        done.petitions += session.execute(_PETITION.update().where(
            t.id == row.id, t.petitioner_phone == row.petitioner_phone, t.petitioner_id_no == row.petitioner_id_no,
        ).values(petitioner_phone=pii.encrypt(phone, pii.PHONE), petitioner_id_no=pii.encrypt(id_no, pii.ID_NO),
                 phone_index=normalize.phone_index(phone), id_index=normalize.id_index(id_no))).rowcount
    for row in session.execute(sa.select(_JOB.c.id, _JOB.c.rows).where(_stale(_JOB.c.rows, kid))
                               .order_by(_JOB.c.id).limit(batch)).all():
        plain = pii.decrypt(row.rows, pii.IMPORT_ROWS)
        done.jobs += session.execute(_JOB.update().where(_JOB.c.id == row.id, _JOB.c.rows == row.rows)
                                     .values(rows=pii.encrypt(plain, pii.IMPORT_ROWS))).rowcount
    session.flush()
    return done


def record_rotation(session: Session, *, actor: User | None, now: datetime, total: Rotation) -> None:
    audit.record(session, actor=actor, now=now, family="security", subject_id=0, action="pii_rotated",
                 summary=f"个人信息密钥轮换：重新加密信访件 {total.petitions} 件、台账导入 {total.jobs} 批",
                 details={"key_id": pii.current_kid(), "petitions": total.petitions, "jobs": total.jobs})
    session.flush()
