"""Guest reviewers are confined to their round and expire with it; squad inspectors keep to their own squad."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from models.inspections import Finding, InspectionRound
from models.org import Role
from tests.factories import NOW, make_round, make_templates, make_user
from workflows import login
from workflows.errors import InvalidInput, PermissionDenied
from workflows.inspections import access, periods, review, rounds


def test_guest_sees_only_their_round_until_it_is_confirmed(db, org):
    made = make_templates(db)
    mine, other = make_round(db, org, made["publicity"]), make_round(db, org, made["publicity"])
    guest = review.invite_guest(db, actor=org.officer, now=NOW, rnd=mine, name="王律师",
                                organisation="legal_adviser").user
    assert guest.roles == {Role.GUEST_REVIEWER}
    assert access.can_view_round(guest, mine) and not access.can_view_round(guest, other)
    listed = db.scalars(access.round_scope(guest, select(InspectionRound.id))).all()
    assert listed == [mine.id]
    assert not db.scalars(access.finding_scope(guest, select(Finding.id))).all()
    review.expire_guests(db, mine, NOW)
    db.refresh(guest)
    assert not guest.active and not access.can_view_round(guest, mine)
    assert db.scalars(access.round_scope(guest, select(InspectionRound.id))).all() == []


def _login(db, guest, password, now):
    return login.authenticate(db, username=guest.username, password=password, address="10.0.0.9", now=now)


def test_guest_account_expires_at_the_end_of_the_rounds_period(db, org):
    made = make_templates(db)
    rnd = make_round(db, org, made["case_review"])  # ad hoc: its period is NOW's day (2026-11-02)
    invited = review.invite_guest(db, actor=org.officer, now=NOW, rnd=rnd, name="李所长", organisation="justice_office")
    end = datetime(2026, 11, 2, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Shanghai
    assert invited.user.expires_at == end
    assert _login(db, invited.user, invited.password, end - timedelta(seconds=1)) == invited.user
    assert invited.user.usable(end - timedelta(seconds=1)) and not invited.user.usable(end)
    with pytest.raises(login.LoginRefused):
        _login(db, invited.user, invited.password, end)
    with pytest.raises(InvalidInput, match="检查期间已结束"):
        review.invite_guest(db, actor=org.officer, now=end + timedelta(hours=1), rnd=rnd, name="王律师",
                            organisation="legal_adviser")


def test_guest_account_ends_when_the_round_is_confirmed_before_its_period_ends(db, org):
    made = make_templates(db)
    period = periods.containing("quarterly", date(2026, 11, 2))  # 2026-Q4: ends 31 December
    rnd = make_round(db, org, made["publicity"], period=period)
    invited = review.invite_guest(db, actor=org.officer, now=NOW, rnd=rnd, name="王律师",
                                  organisation="legal_adviser")
    assert invited.user.expires_at == datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC)
    confirmed = NOW + timedelta(days=3)
    review.expire_guests(db, rnd, confirmed)
    db.refresh(invited.user)
    assert invited.user.expires_at == confirmed and not invited.user.usable(confirmed - timedelta(days=1))
    with pytest.raises(login.LoginRefused):
        _login(db, invited.user, invited.password, confirmed + timedelta(days=1))


def test_squad_inspector_opens_rounds_of_their_own_squad_only(db, org):
    made = make_templates(db)
    inspector = make_user(db, Role.SQUAD_MEMBER, squad=org.squad_a)
    inspector.roles = [Role.SQUAD_MEMBER, Role.SQUAD_INSPECTOR]
    db.flush()
    spec = rounds.Opening(template_id=made["team_management"].id, tier="squad", squad_id=org.squad_b.id)
    with pytest.raises(PermissionDenied):
        rounds.open_round(db, actor=inspector, now=NOW, spec=spec)
    own = make_round(db, org, made["team_management"], tier="squad", actor=inspector)
    assert access.can_view_round(inspector, own)
    assert not access.can_view_round(org.b_member, own) and not access.can_view_round(org.a_member2, own)
    with pytest.raises(PermissionDenied):
        rounds.open_round(db, actor=org.a_member, now=NOW, spec=rounds.Opening(
            template_id=made["team_management"].id, tier="squad", squad_id=org.squad_a.id))


def test_inspection_section_sees_every_level_legal_only_its_own(db, org):
    from tests.factories import make_user as mk

    made = make_templates(db)
    squad_round = make_round(db, org, made["team_management"], tier="squad", actor=_inspector(db, org))
    legal = mk(db, Role.SECTION_OFFICER, section=org.legal)
    assert access.can_view_round(org.officer, squad_round)  # 督察科
    assert not access.can_view_round(legal, squad_round)


def _inspector(db, org):
    user = make_user(db, Role.SQUAD_LEADER, squad=org.squad_a)
    user.roles = [Role.SQUAD_LEADER, Role.INSPECTION_LEAD]
    db.flush()
    return user
