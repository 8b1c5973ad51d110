"""Demo results: the 2026 考核细则, the score ledger built from the demo bureau's recorded events, a 优秀监督案例
selection and 先进个人 in the fourth quarter, appeals (one decided, one waiting) and a month signed off."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.org import Squad
from models.scores import ScoreEntry
from models.subjects import Subject
from workflows.calendar import LOCAL_TZ
from workflows.petitions import months
from workflows.scoring import appeals, awards, ledger, periods, rules

CASES = [("快速联动处置媒体曝光违法搭建", "接件后当日现场核查，三日内完成调查取证并督促当事人自行拆除，回访满意。"),
         ("重复信访噪音扰民源头治理",
          "梳理同一点位半年内 6 次投诉，会同街道约谈施工单位，落实夜间施工审批，投诉清零。"),
         ("重大案件法制审核规范化", "对照五个重点要点逐项自查，补正送达回证和全过程记录，经法制审核一次通过。")]


def _awards(db: Session, now: datetime, users: dict, squads: list[Squad]) -> None:
    if now.astimezone(LOCAL_TZ).month < 10:
        return
    for (title, text), squad in zip(CASES, squads, strict=False):
        case = db.scalar(select(Subject).where(Subject.squad_id == squad.id, Subject.status == "closed",
                                               Subject.closed_at <= Subject.deadline_at).limit(1))
        data = awards.Nomination("case", squad.id, title, text, subject_number=case.number if case else "")
        row = awards.nominate(db, actor=users[f"{squad.code}_leader"], now=now - timedelta(days=6), data=data)
        for n, judge in enumerate(("leader", "xtk", "dck")):
            awards.score(db, actor=users[judge], now=now - timedelta(days=4), commendation_id=row.id,
                         points=92 - 5 * squads.index(squad) - n)
        awards.review(db, actor=users["dck"], now=now - timedelta(days=3), commendation_id=row.id,
                      selected=squads.index(squad) < 2, opinion="材料翔实，成效明显" if squads.index(squad) < 2 else "")
    awards.publish(db, actor=users["leader"], now=now - timedelta(days=2), year=now.astimezone(LOCAL_TZ).year,
                   kind="case")
    for squad, member, selected in ((squads[0], "m1", True), (squads[3], "m2", None)):
        row = awards.nominate(db, actor=users[f"{squad.code}_leader"], now=now - timedelta(days=5),
                              data=awards.Nomination("person", squad.id, "文明规范执法先进个人",
                                                     "全年办件按期率 100%，着装、用语规范，零投诉。",
                                                     person_id=users[f"{squad.code}_{member}"].id))
        if selected:
            awards.review(db, actor=users["dck"], now=now - timedelta(days=3), commendation_id=row.id, selected=True)
            awards.publish(db, actor=users["leader"], now=now - timedelta(days=2),
                           year=now.astimezone(LOCAL_TZ).year, kind="person")


def _appeals(db: Session, now: datetime, users: dict, squads: list[Squad]) -> int:
    month = months.previous(months.of(now))
    filed = 0
    for n, squad in enumerate(squads[:2]):
        entry = db.scalar(select(ScoreEntry).where(ScoreEntry.squad_id == squad.id, ScoreEntry.month == month,
                                                   ScoreEntry.status == "counted").order_by(ScoreEntry.id).limit(1))
        if entry is None:
            continue
        appeal = appeals.file(db, actor=users[f"{squad.code}_leader"], now=now - timedelta(days=3), entry_id=entry.id,
                              reason="该事项期限已于到期前申请延期，审批滞后导致超期，请予核减。",
                              evidence="延期申请记录及审批时间见办理时间轴")
        filed += 1
        if n == 0:
            appeals.decide(db, actor=users["dck"], now=now - timedelta(days=1), appeal_id=appeal.id,
                           verdict="voided", opinion="经核实，延期申请在期限内提出，撤销该项记分。")
    return filed


def load(db: Session, now: datetime, org: dict) -> str:
    users, squads = org["users"], org["squads"]
    for year in sorted({2026, now.astimezone(LOCAL_TZ).year}):
        rules.seed_year(db, year=year, now=now - timedelta(days=120), actor=users["admin"])
    ledger.rebuild(db, now=now)
    _awards(db, now, users, squads)
    filed = _appeals(db, now, users, squads)
    built = ledger.rebuild(db, now=now)
    locked = periods.previous(periods.previous(periods.containing("month", now)))
    periods.lock(db, actor=users["leader"], now=now, kind="month", key=locked.key)
    count = db.scalar(select(ScoreEntry.id).order_by(ScoreEntry.id.desc()).limit(1)) or 0
    return f"考核台账：{count} 条记分（本次新增 {built.added}），申诉 {filed} 件，已锁定 {locked.label}"
