"""Demo data of lead and co-squads (主办/协办), returns and reassignments (退单/改派), and study meetings with their
actions: items and petitions with 1–3 co-squads (some late), returns accepted, rejected and decided by a leader,
a plain 改派, meetings whose decisions became actions."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from models.items import ItemKind
from workflows import steps
from workflows.items import operations as item_ops
from workflows.meetings import operations as meeting_ops
from workflows.petitions import intake
from workflows.tasks import complete, cosquads, returns
from workflows.tasks.cosquads import PartInput

PARTS = ["核查本辖区一侧的占道经营点位并拍照取证", "调取辖区内监控录像，核实夜间施工时段",
         "走访沿线商户，核实油烟排放情况", "核查跨界河道岸线一侧的违法搭建", "配合核查市场外溢摊位的经营许可"]


def demo_meeting(day, decisions=None) -> dict:
    """A plausible 专案研究 meeting record (the values of a joint-study step)."""
    return {"held_on": day, "place": "局机关三楼会议室", "units_present": "协调科、承办中队、法制科、属地街道办事处",
            "people_present": "协调科王科长、承办中队李中队长、法制科赵科员、街道城运中心陈主任",
            "matters": "研究违法事实认定、取证重点和联合处置方案。",
            "decisions": decisions or [{"text": "由承办中队牵头，五个工作日内完成现场取证", "squad_id": None,
                                        "due_on": None}]}


class _Demo:
    def __init__(self, db: Session, org: dict, rng: random.Random):
        self.db, self.users, self.squads, self.rng = db, org["users"], org["squads"], rng
        self.code = {s.id: s.code for s in self.squads}

    def leader_of(self, squad_id: int):
        return self.users[f"{self.code[squad_id]}_leader"]

    def member_of(self, squad_id: int):
        return self.users[f"{self.code[squad_id]}_m1"]

    def do(self, family: str, subject, step: str, at: datetime, on_squad: int | None = None, **values):
        work = next(w for w in steps.open_work(self.db, family, subject.id)
                    if w.step == step and (on_squad is None or w.squad_id == on_squad))
        actor = {"coordination": self.users["xtk"], "leader": self.users["leader"]}.get(
            work.step_group) or self.leader_of(work.squad_id)
        complete.complete(self.db, actor=actor, now=at, family=family, subject_id=subject.id,
                          task_uuid=work.task_uuid, values=values)

    def co_branch(self, family: str, subject, squad_id: int, at: datetime, late: bool = False):
        member = self.member_of(squad_id)
        self.do(family, subject, "co_accept", at, squad_id, handler_id=member.id)
        self.do(family, subject, "co_assist", at + timedelta(hours=5), squad_id,
                findings="已按分工完成现场核查，拍照取证 6 张，制作询问笔录 1 份。")
        self.do(family, subject, "co_feedback", at + timedelta(hours=8), squad_id,
                contribution="本中队承担部分已核查完毕：现场情况属实，已责令当事人整改，整改情况见附件照片。"
                             + ("（反馈晚于协办期限）" if late else ""))

    def co_squads(self, lead_id: int, n: int) -> list[dict]:
        others = [s for s in self.squads[:7] if s.id != lead_id]  # the last squads have no co-squad work
        return [{"squad_id": s.id, "part": self.rng.choice(PARTS)} for s in self.rng.sample(others, n)]


def _item(demo: _Demo, at: datetime, title: str, kind: ItemKind = ItemKind.MEDIA_EXPOSURE):
    reg = item_ops.Registration(kind=kind, title=title, received_at=at - timedelta(hours=1),
                                instruction_text=f"关于{title}，请会同相关街镇中队迅速调查核实并按时回复。",
                                source_doc_number=f"沪城管督〔{at.year}〕协{demo.rng.randint(100, 999)}号",
                                instructing_leader="上观新闻", needs_study=False)
    return item_ops.register_item(demo.db, actor=demo.users["xtk"], now=at, reg=reg)


def _co_items(demo: _Demo, now: datetime) -> int:
    made = 0
    plans = [  # (days ago, lead squad index, co-squads, what happens)
        (25, 0, 2, "all_done"), (22, 3, 1, "late_missing"), (18, 5, 3, "one_late_done"), (12, 1, 2, "open"),
        (6, 7, 1, "open"), (1, 8, 3, "fresh")]
    for days, lead_index, n, plan in plans:
        at = now - timedelta(days=days)
        lead = demo.squads[lead_index]
        item = _item(demo, at, f"{lead.street}与相邻街道交界处占道经营问题")
        parts = demo.co_squads(lead.id, n)
        demo.do("instructed_item", item, "assign", at + timedelta(hours=1), lead_squad_id=lead.id,
                instructions="请主办中队牵头，协办中队按分工配合，协办意见报主办中队汇总拟复。", co_squads=parts)
        demo.do("instructed_item", item, "accept", at + timedelta(hours=3), handler_id=demo.member_of(lead.id).id)
        made += 1
        if plan == "fresh":
            continue
        rows = cosquads.parts_of(demo.db, "instructed_item", item.id)
        for i, part in enumerate(rows):
            if plan == "open" and i == len(rows) - 1:
                break
            late = plan == "late_missing" or (plan == "one_late_done" and i == 0)
            if late and part.due_at < now - timedelta(hours=2):
                if plan == "late_missing":
                    cosquads.mark_missing(demo.db, actor=demo.leader_of(lead.id), now=part.due_at + timedelta(hours=2),
                                          family="instructed_item", subject_id=item.id, part_id=part.id)
                else:
                    demo.co_branch("instructed_item", item, part.squad_id, part.due_at + timedelta(hours=1), late=True)
                continue
            demo.co_branch("instructed_item", item, part.squad_id, at + timedelta(days=1, hours=i))
        demo.do("instructed_item", item, "investigate", at + timedelta(days=2),
                findings="主办中队完成现场调查，汇总协办中队核查情况。")
        if plan == "all_done":
            demo.do("instructed_item", item, "draft_reply", at + timedelta(days=3),
                    reply_text="经主办、协办中队联合核查，交界处占道经营已全部清理，并建立联合巡查机制。")
    return made


def _co_petitions(demo: _Demo, now: datetime) -> int:
    made = 0
    cases = ((15, 2, 1, "违法搭建", "交界河道岸线有人搭建简易棚屋，两侧街道互相推诿", "吴淞江岸线", "周建华"),
             (9, 4, 2, "夜间施工噪音", "交界路段工地夜间施工噪音扰民，两侧街道都说不归自己管", "天山路东段工地",
              "钱丽萍"),
             (4, 6, 3, "占道经营", "菜场门口流动摊贩占道经营，摊位跨两个街道", "水城路菜场门口", "孙志强"))
    for days, lead_index, n, category, content, place, name in cases:
        at = now - timedelta(days=days)
        lead = demo.squads[lead_index]
        data = intake.PetitionInput(
            channel="hotline", address=f"长宁区{place}", category=category, content=content + "，请求尽快处理。",
            received_at=at - timedelta(hours=2), petitioner_name=name,
            petitioner_phone=f"1391{demo.rng.randint(1000000, 9999999)}", petitioner_id_no="", street=lead.street,
            external_ref="")
        petition = intake.register(demo.db, actor=demo.users["xtk"], now=at, data=data)
        if [w.step for w in steps.open_work(demo.db, "petition", petition.id)] != ["assign"]:
            continue  # taken as a repeat of an open petition
        demo.do("petition", petition, "assign", at + timedelta(hours=1), decision="assign", squad_id=lead.id,
                instructions="请主办中队牵头，协办中队核查本辖区一侧。", co_squads=demo.co_squads(lead.id, n))
        demo.do("petition", petition, "accept", at + timedelta(hours=2), handler_id=demo.member_of(lead.id).id,
                notified_on=at.date())
        rows = cosquads.parts_of(demo.db, "petition", petition.id)
        for part in rows[:-1] if n > 1 else rows:
            demo.co_branch("petition", petition, part.squad_id, at + timedelta(days=1))
        made += 1
    return made


def _returns(demo: _Demo, now: datetime) -> int:
    """Accepted, rejected, decided by a leader (final), waiting for the coordination section and for a leader."""
    users, squads = demo.users, demo.squads
    plans = [("accepted", 20, 0, 1), ("rejected", 16, 2, None), ("final", 13, 4, 7), ("pending", 0.2, 6, None),
             ("escalated", 0.3, 9, None), ("rejected", 8, 2, None)]
    for plan, days, first, second in plans:
        at = now - timedelta(days=days)
        lead = squads[first]
        item = _item(demo, at, f"{lead.street}边界路段夜间施工噪音问题", ItemKind.PUBLIC_OPINION)
        demo.do("instructed_item", item, "assign", at + timedelta(minutes=30), lead_squad_id=lead.id,
                instructions="请按期调查处置。")
        filed = returns.file(demo.db, actor=demo.leader_of(lead.id), now=at + timedelta(hours=2),
                             family="instructed_item", subject_id=item.id,
                             reason="territory" if plan != "final" else "ownership",
                             explanation="经现场核对地图，施工点位位于相邻街道辖区，附电子地图截图。")
        decided = at + timedelta(hours=5)
        if plan in ("accepted", "final", "escalated"):
            returns.decide(demo.db, actor=users["xtk"], now=decided, return_id=filed.id, accept=True,
                           to_squad_id=squads[(first + 1) % len(squads)].id, note="经核实属相邻街道辖区，同意改派。")
            new_lead = squads[(first + 1) % len(squads)]
            again = returns.file(demo.db, actor=demo.leader_of(new_lead.id), now=decided + timedelta(hours=2),
                                 family="instructed_item", subject_id=item.id, reason="ownership",
                                 explanation="该路段权属不清，道路红线图显示属原中队辖区。")
            if plan == "final":
                returns.decide(demo.db, actor=users["leader"], now=decided + timedelta(hours=6), return_id=again.id,
                               accept=True, to_squad_id=squads[second].id, note="终审：由该中队承办，不再退单。")
        elif plan == "rejected":
            returns.decide(demo.db, actor=users["xtk2"], now=decided, return_id=filed.id, accept=False,
                           note="经核对红线图，点位在本中队辖区内，驳回退单，期限不变。")
    item = _item(demo, now - timedelta(days=5), "长宁路沿线共享单车乱停放问题")
    demo.do("instructed_item", item, "assign", now - timedelta(days=5, hours=-1), lead_squad_id=squads[3].id)
    returns.reassign(demo.db, actor=users["xtk"], now=now - timedelta(days=4), family="instructed_item",
                     subject_id=item.id, to_squad_id=squads[4].id, reason="属地调整，改由相邻中队承办。",
                     co_squads=[PartInput(squads[3].id, "配合提供前期巡查记录")])
    return len(plans) + 1


def _meetings(demo: _Demo, now: datetime) -> int:
    users, squads = demo.users, demo.squads
    made = 0
    for days, lead_index in ((14, 1), (5, 5)):
        at = now - timedelta(days=days)
        lead, other = squads[lead_index], squads[lead_index + 1]
        item = _item(demo, at, f"{lead.street}农贸市场外溢摊位问题", ItemKind.CITY_BUREAU_LEADER)
        demo.do("instructed_item", item, "assign", at + timedelta(hours=1), lead_squad_id=lead.id,
                co_squads=[{"squad_id": other.id, "part": "整治市场外溢至本辖区的摊位"}])
        spec = meeting_ops.read_meeting(demo_meeting((at + timedelta(days=1)).date(), decisions=[
            {"text": f"{lead.name}牵头，三日内完成外溢摊位清理", "squad_id": lead.id,
             "due_on": (at + timedelta(days=4)).date()},
            {"text": f"{other.name}配合设置临时隔离设施", "squad_id": other.id,
             "due_on": (at + timedelta(days=6)).date()},
            {"text": "法制科对拒不整改的摊主提出处罚意见", "squad_id": None, "due_on": None}]))
        meeting = meeting_ops.record(demo.db, actor=users["xtk"], now=at + timedelta(days=1),
                                     family="instructed_item", subject_id=item.id, spec=spec)
        first = meeting.decisions[0].action
        if days > 10:  # the older action had a co-squad too (协办 on a meeting's action, like any subject)
            cosquads.add(demo.db, actor=users["xtk"], now=at + timedelta(days=1, hours=1), family="study_action",
                         subject_id=first.id, part=PartInput(other.id, "配合清理外溢至本辖区一侧的摊位"))
            demo.co_branch("study_action", first, other.id, at + timedelta(days=2))
            done_at = at + timedelta(days=3)
            demo.do("study_action", first, "implement", done_at, result="外溢摊位已全部清理，设置规范经营引导线。")
            demo.do("study_action", first, "confirm", done_at + timedelta(hours=4), decision="approve", opinion="")
        made += 1
    return made


def load(db: Session, now: datetime, org: dict, seed: int = 20261203) -> str:
    demo = _Demo(db, org, random.Random(seed))
    items, petitions = _co_items(demo, now), _co_petitions(demo, now)
    disputes, meetings = _returns(demo, now), _meetings(demo, now)
    return f"{items} 件多中队协办督办件、{petitions} 件协办信访件、{disputes} 件退单/改派、{meetings} 次专案研究会议"
