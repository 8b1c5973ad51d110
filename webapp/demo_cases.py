"""Demo major-case supervisions in every state and accountability referrals with outcomes, walked through
the real processes with back-dated times (deterministic)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.cases import FAMILY_MAJOR_CASE, CasePoint, MajorCase
from models.items import SupervisedItem
from models.org import User
from models.referrals import FAMILY_REFERRAL
from workflows import steps as open_steps
from workflows.calendar import local_day
from workflows.cases import operations as cases
from workflows.referrals import evidence
from workflows.referrals import operations as referrals
from workflows.tasks import complete

OK = {f"result_{p.value}": "ok" for p in CasePoint}
# title, squad code, forms, stage, (steps to walk: a list of (step or 'record:<form>', values))
CASES = [
    ("仙霞路某餐饮店违法搭建案", "xianxia", ["letter", "onsite"], "investigating", [
        ("record:onsite", {"people": "协调科王科长、仙霞中队", "content": "现场核查：违法搭建约40平方米，尚未拆除。"}),
        ("review_points", {**OK, "mode": "consult", "consult_point": "law",
                           "question": "本案适用《上海市拆除违法建筑若干规定》是否准确？"}),
        ("legal_opinion", {"opinion": "应适用《上海市城乡规划条例》第七十八条，原适用条款有误。"}),
        ("review_points", {**OK, "mode": "conclude", "result_law": "problem",
                           "note_law": "适用条款错误，应适用《上海市城乡规划条例》第七十八条", "rectify_days": 5}),
        ("rectify", {"answer_law": "已按法制科意见变更适用条款。"}),
        ("verify", {"decision": "return", "opinion": "处罚决定书未重新制作，请补正。"}),
        ("rectify", {"answer_law": "已重新制作并送达处罚决定书。"}),
        ("verify", {"decision": "approve", "opinion": "整改到位。"}),
    ]),
    ("天山路夜间施工噪音扰民案", "tianshan", ["meeting"], "filed", [
        ("record:meeting", {"people": "协调科、法制科、天山中队", "content": "会议纪要：案件事实清楚，证据基本充分。",
                            "decisions": "五个工作日内完成调查取证。"}),
    ]),
    ("虹桥路渣土运输遗撒案", "hongqiao", ["phone"], "investigating", [
        ("record:phone", {"people": "虹桥中队长", "content": "询问案件进展，中队称正在调取监控。"}),
        ("review_points", {**OK, "mode": "consult", "consult_point": "procedure",
                           "question": "先行登记保存程序是否合规？"}),
    ]),
    ("长宁路违规户外广告案", "jiangsu", ["letter"], "notified", [
        ("review_points", {**OK, "mode": "conclude", "result_filing": "problem",
                           "note_filing": "受理后超过规定时限才立案", "result_procedure": "problem",
                           "note_procedure": "告知书未载明陈述申辩期限", "rectify_days": 3,
                           # the review refers the squad: the case's process calls the referral and goes on
                           "refer": True, "refer_classification": "slow",
                           "refer_facts": "受理后超过规定时限才立案，拖延办理。"}),
    ]),
    ("北新泾路群租整治案", "beixinjing", ["onsite"], "decided", [
        ("record:onsite", {"people": "协调科、北新泾中队", "content": "现场检查：群租隔断已拆除一半。"}),
        ("review_points", {**OK, "mode": "conclude", "result_penalty": "problem", "note_penalty": "未依法移送公安机关",
                           "rectify_days": 10}),
        ("rectify", {"answer_penalty": "已移送派出所。"}),
    ]),
    ("华阳路共享单车乱停放案", "huayang", ["letter", "phone"], "closed", [
        ("record:phone", {"people": "华阳中队长", "content": "电话了解结案情况，已处罚到位。"}),
        ("review_points", {**OK, "mode": "conclude"}),
    ]),
    ("愚园路占道经营案", "xinhua", ["letter"], "filed", []),
]


def _actor(users: dict, case: MajorCase, group: str) -> User:
    if group == "squad":
        return users[f"{case.squad.code}_leader"]
    return users["fzk"] if group == "section" else users["xtk"]


def _gap(start: datetime, now: datetime, steps: int) -> timedelta:
    """Spread a subject's completed steps over its life so that the step it waits on now opened a few hours
    ago: the coordination section and the legal section answer promptly in the demo, as they do at work."""
    return (now - timedelta(hours=6) - start) / max(steps, 1)


def _walk_case(db: Session, users: dict, case: MajorCase, plan: list, at: datetime, gap: timedelta) -> datetime:
    for step, values in plan:
        at += gap
        if step.startswith("record:"):
            rec = cases.RecordInput(form=step.split(":")[1], held_at=at - timedelta(hours=2), **values)
            cases.add_record(db, actor=users["xtk"], now=at, case=case, rec=rec)
            continue
        work = next(w for w in open_steps.open_work(db, FAMILY_MAJOR_CASE, case.id) if w.step == step)
        complete.complete(db, actor=_actor(users, case, work.step_group), now=at, family=FAMILY_MAJOR_CASE,
                          subject_id=case.id, task_uuid=work.task_uuid, values=values)
    return at


def _load_cases(db: Session, users: dict, squads: dict, now: datetime) -> list[MajorCase]:
    made = []
    for n, (title, squad, forms, stage, steps) in enumerate(CASES):
        opened = now - timedelta(days=24 - 3 * n) if steps else now - timedelta(hours=10)
        member = users[f"{squad}_m1"]
        spec = cases.Opening(title=title, violation=f"{title[:-1]}，群众多次反映。", squad_id=squads[squad].id,
                             forms=forms, case_number=f"31010520{opened:%y}{opened:%m}{n + 1:05d}",
                             parties="（演示当事人）", stage=stage, social_impact=n % 2 == 0, handler_id=member.id,
                             matters="请依法规范办理，并按期报告办理及整改情况。")
        case = cases.open_case(db, actor=users["xtk"], now=opened, spec=spec)
        _walk_case(db, users, case, steps, opened, _gap(opened, now, len(steps)))
        made.append(case)
    return made


FACTS = {"slow": "拖延办理、超期未复", "inaction": "推诿不办", "wrong": "违反程序作出处罚", "violation": "违反工作纪律"}
OUTCOME = {"accept": {"decision": "accept"}, "investigate": {"findings": "经调查核实，反映情况属实。"}}


def _refer(db, users, family, subject_id, classification, at, **target) -> referrals.AccountabilityReferral:
    found = evidence.candidates(db, family, subject_id, at)
    facts = f"经核查，承办人员在办理过程中存在{FACTS[classification]}的情况。"
    spec = referrals.ReferralInput(family=family, subject_id=subject_id, classification=classification, facts=facts,
                                   evidence_keys=evidence.prefill(found, classification), **target)
    return referrals.refer(db, actor=users["xtk"], now=at, spec=spec)


def _walk_referral(db, users, referral, plan, at: datetime, gap: timedelta) -> None:
    for step, values in plan:
        at += gap
        group_actor = users["xtk"] if step == "supplement" else users["dck"]
        if step == "record_outcome":
            values = {**values, "outcome_on": local_day(at)}
        work = next(w for w in open_steps.open_work(db, FAMILY_REFERRAL, referral.id) if w.step == step)
        complete.complete(db, actor=group_actor, now=at, family=FAMILY_REFERRAL, subject_id=referral.id,
                          task_uuid=work.task_uuid, values=values)


def _load_referrals(db: Session, users: dict, made: list[MajorCase], now: datetime) -> int:
    items = list(db.scalars(select(SupervisedItem).where(SupervisedItem.handler_id.is_not(None))
                            .order_by(SupervisedItem.id).limit(3)))
    plans = [("major_case", made[0].id, "slow", {"target_squad_id": made[0].squad_id},
              [("accept", OUTCOME["accept"]), ("investigate", OUTCOME["investigate"]),
               ("record_outcome", {"outcome": "talk", "doc_number": "长城管督察〔2026〕7号",
                                   "note": "对中队长进行约谈。"})])]
    outcomes = [("warning", "长城管督察〔2026〕8号"), ("no_action", ""), ("other", "长城管督察〔2026〕9号")]
    for item, (outcome, doc) in zip(items, outcomes, strict=False):
        plans.append(("instructed_item", item.id, "slow", {"target_user_id": item.handler_id},
                      [("accept", OUTCOME["accept"]), ("investigate", OUTCOME["investigate"]),
                       ("record_outcome", {"outcome": outcome, "doc_number": doc, "note": "已作处理。"})]))
    plans += [("major_case", made[3].id, "wrong", {"target_squad_id": made[3].squad_id},
               [("accept", OUTCOME["accept"])]),
              ("major_case", made[4].id, "inaction", {"target_user_id": made[4].handler_id}, []),
              ("major_case", made[2].id, "violation", {"target_user_id": made[2].handler_id},
               [("accept", {"decision": "return", "opinion": "请补充通话录音等证据。"})])]
    for n, (family, subject_id, classification, target, steps) in enumerate(plans):
        at = now - timedelta(days=12 - n) if steps else now - timedelta(hours=10)
        referral = _refer(db, users, family, subject_id, classification, at, **target)
        _walk_referral(db, users, referral, steps, at, _gap(at, now, len(steps)))
    return len(plans)


def load(db: Session, now: datetime, org: dict) -> str:
    users = org["users"]
    squads = {s.code: s for s in org["squads"]}
    made = _load_cases(db, users, squads, now)
    count = _load_referrals(db, users, made, now)
    return f"{len(made)} 件重大案件督办，{count} 件追责移送"
