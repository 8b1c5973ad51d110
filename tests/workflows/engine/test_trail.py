"""The diagram's reading of an instance: elements passed (with loops counted), flows taken, steps open now."""

from __future__ import annotations

from models.items import ItemKind
from tests.factories import make_item
from tests.workflows.items.test_lifecycle import do, handle_until_review
from workflows.engine.trail import trail


def test_a_returned_item_shows_its_loop_and_its_open_step(db, org):
    item = make_item(db, org, kind=ItemKind.MEDIA_EXPOSURE)
    handle_until_review(db, org, item)
    do(db, org, item, "review", decision="return", opinion="证据不足")
    found = trail(db, item.instance_id)
    assert found.process_id == "instructed_item"
    assert found.active == ["draft_reply"]
    assert found.visits["draft_reply"] == 1 and found.visits["review"] == 1 and found.visits["assign"] == 1
    assert ("review", "gw_refer") in found.flows and ("gw_refer", "gw_review") in found.flows
    assert ("gw_review", "merge_draft") in found.flows, "the return (退回) is a taken flow"
    assert not any(s == "gw_review" and t == "gw_needs_signoff" for s, t in found.flows), "approval not taken"
    do(db, org, item, "draft_reply")
    again = trail(db, item.instance_id)
    assert again.visits["draft_reply"] == 2 and again.active == ["review"]


def test_a_new_item_has_only_its_start_passed(db, org):
    item = make_item(db, org)
    found = trail(db, item.instance_id)
    assert found.active == ["assign"]
    assert "assign" not in found.visits and found.visits, "the start event and gateways passed"
