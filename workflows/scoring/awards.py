"""评优评先: 优秀监督案例评选 (in the fourth quarter squads nominate cases with a write-up, a panel of the
coordination and inspection sections and the leaders scores them 0–100, the inspection section marks which
are selected, a bureau leader publishes) and 文明规范执法先进个人 (nominate, review, publish). A published and
selected nomination is an event for the bonus rules (excellent_case, commended_person)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.org import Role, Squad, User
from models.scores import Commendation, CommendationScore
from models.subjects import Subject
from workflows import audit, notifications
from workflows.calendar import LOCAL_TZ
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.scoring import access
from workflows.scoring.events import Event, source

KIND_LABELS = {"case": "优秀监督案例", "person": "文明规范执法先进个人"}
STATUS_LABELS = {"nominated": "已推荐", "reviewed": "已评审", "published": "已公布"}


@dataclass
class Nomination:
    kind: str
    squad_id: int
    title: str
    write_up: str
    person_id: int | None = None
    subject_number: str = ""


def _reviewer(user: User) -> bool:
    return user.has(Role.COORDINATOR) or access.is_inspection(user)


def panel_member(user: User) -> bool:
    return _reviewer(user) or user.has(Role.LEADER)


def _subject(session: Session, number: str, squad_id: int) -> Subject | None:
    number = number.strip()
    if not number:
        return None
    found = session.scalar(select(Subject).where(Subject.number == number))
    if found is None or found.squad_id != squad_id:
        raise InvalidInput("未找到本中队的该编号事项", "subject_number")
    return found


def _may_nominate(actor: User, squad_id: int) -> None:
    if _reviewer(actor):
        return
    if not actor.has(Role.SQUAD_LEADER):
        raise PermissionDenied("只有中队长、协调科或督察科可以推荐")
    if squad_id != actor.squad_id:
        raise PermissionDenied("只能推荐本中队")


def _texts(data: Nomination) -> None:
    for value, label, field, limit in ((data.title, "标题", "title", 200),
                                       (data.write_up, "推荐材料", "write_up", 5000)):
        if not value.strip():
            raise InvalidInput(f"请填写{label}", field)
        if len(value.strip()) > limit:
            raise InvalidInput(f"{label}不能超过 {limit} 字", field)


def _check(session: Session, actor: User, now: datetime, data: Nomination) -> None:
    if data.kind not in KIND_LABELS:
        raise InvalidInput("请选择评选类别", "kind")
    _may_nominate(actor, data.squad_id)
    if session.get(Squad, data.squad_id) is None:
        raise InvalidInput("请选择中队", "squad_id")
    if data.kind == "case" and now.astimezone(LOCAL_TZ).month < 10:
        raise Conflict("优秀监督案例评选在第四季度进行")
    if data.kind == "person":
        person = session.get(User, data.person_id) if data.person_id else None
        if person is None or person.squad_id != data.squad_id:
            raise InvalidInput("请选择本中队的人员", "person_id")
    _texts(data)


def nominate(session: Session, *, actor: User, now: datetime, data: Nomination) -> Commendation:
    _check(session, actor, now, data)
    subject = _subject(session, data.subject_number, data.squad_id) if data.kind == "case" else None
    row = Commendation(kind=data.kind, year=now.astimezone(LOCAL_TZ).year, squad_id=data.squad_id,
                       person_id=data.person_id if data.kind == "person" else None,
                       family=subject.family if subject else None, subject_id=subject.subject_id if subject else None,
                       title=data.title.strip(), write_up=data.write_up.strip(), status="nominated",
                       nominated_by_id=actor.id, nominated_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, now=now, family="commendation", subject_id=row.id, action="nominate",
                 summary=f"推荐{KIND_LABELS[row.kind]}：{row.title}")
    return row


def _open(session: Session, commendation_id: int) -> Commendation:
    row = session.get(Commendation, commendation_id, with_for_update=True)
    if row is None:
        raise NotFound("推荐不存在")
    if row.status == "published":
        raise Conflict("评选结果已公布")
    return row


def score(session: Session, *, actor: User, now: datetime, commendation_id: int, points: int,
          comment: str = "") -> CommendationScore:
    """A panel member scores a nominated case (once; a second score replaces the first until review)."""
    if not panel_member(actor):
        raise PermissionDenied("只有评审组成员可以评分")
    row = _open(session, commendation_id)
    if row.kind != "case" or row.status != "nominated":
        raise Conflict("该推荐不在评分阶段")
    if not isinstance(points, int) or not 0 <= points <= 100:
        raise InvalidInput("评分应在 0 至 100 之间", "score")
    mark = session.scalar(select(CommendationScore).where(CommendationScore.commendation_id == row.id,
                                                          CommendationScore.panelist_id == actor.id))
    if mark is None:
        mark = CommendationScore(commendation_id=row.id, panelist_id=actor.id)
        session.add(mark)
    mark.score, mark.comment, mark.scored_at = points, (comment or "").strip()[:500], now
    session.flush()
    audit.record(session, actor=actor, now=now, family="commendation", subject_id=row.id, action="panel_score",
                 summary=f"评审组评分 {points} 分", opinion=mark.comment)
    return mark


def average(session: Session, commendation_id: int) -> float | None:
    value = session.scalar(select(func.avg(CommendationScore.score))
                           .where(CommendationScore.commendation_id == commendation_id))
    return round(float(value), 1) if value is not None else None


def review(session: Session, *, actor: User, now: datetime, commendation_id: int, selected: bool,
           opinion: str = "") -> Commendation:
    if not _reviewer(actor):
        raise PermissionDenied("只有协调科或督察科可以评审")
    row = _open(session, commendation_id)
    if row.kind == "case" and average(session, row.id) is None:
        raise Conflict("评审组尚未评分")
    row.status, row.selected, row.review_opinion = "reviewed", bool(selected), (opinion or "").strip()[:1000]
    audit.record(session, actor=actor, now=now, family="commendation", subject_id=row.id, action="review",
                 summary="评审：入选" if selected else "评审：未入选", opinion=row.review_opinion)
    return row


def publish(session: Session, *, actor: User, now: datetime, year: int, kind: str) -> int:
    """A bureau leader publishes the reviewed nominations of a year and kind; returns how many."""
    if not actor.has(Role.LEADER):
        raise PermissionDenied("只有局领导可以公布评选结果")
    rows = list(session.scalars(select(Commendation).where(
        Commendation.year == year, Commendation.kind == kind, Commendation.status == "reviewed")
        .with_for_update()))
    if not rows:
        raise Conflict("没有已评审待公布的推荐")
    for row in rows:
        row.status, row.published_by_id, row.published_at = "published", actor.id, now
        audit.record(session, actor=actor, now=now, family="commendation", subject_id=row.id, action="publish",
                     summary=f"公布评选结果：{'入选' if row.selected else '未入选'}")
    winners = [r for r in rows if r.selected]
    notifications.notify(session, key=f"awards:{year}:{kind}:{now.isoformat()}",
                         user_ids=notifications.role_users(session, [Role.SQUAD_LEADER]), kind="award",
                         title=f"{year}年{KIND_LABELS[kind]}评选结果公布：入选 {len(winners)} 项", now=now)
    return len(rows)


def listing(session: Session, year: int, kind: str) -> list[Commendation]:
    return list(session.scalars(select(Commendation).where(Commendation.year == year, Commendation.kind == kind)
                                .order_by(Commendation.id)))


@source
def award_events(session: Session, now: datetime) -> Iterable[Event]:
    query = select(Commendation).where(Commendation.status == "published", Commendation.selected.is_(True))
    for row in session.scalars(query.order_by(Commendation.id)):
        code = "excellent_case" if row.kind == "case" else "commended_person"
        yield Event(f"award:{row.id}", code, row.published_at, "award", row.id, row.family, row.subject_id, None,
                    row.squad_id, row.person_id, note=f"{KIND_LABELS[row.kind]}：{row.title}"[:200])
