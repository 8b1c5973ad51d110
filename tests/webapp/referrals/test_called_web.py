"""The review page offers the referral: ticking it opens a referral that runs inside the item's process, whose
steps the responsible section works on the referral's own page; a bad choice answers next to the field."""

from __future__ import annotations

from models.referrals import AccountabilityReferral
from tests.factories import NOW, make_item, open_work
from tests.webapp.helpers import post_form
from tests.workflows.items.test_lifecycle import handle_until_review


def _review(db, org, as_user, **extra):
    item = make_item(db, org)
    handle_until_review(db, org, item)
    work = next(w for w in open_work(db, item) if w.step == "review")
    form = {"review-decision": "approve", "review-opinion": "", **{f"review-{k}": v for k, v in extra.items()}}
    client = as_user(org.coordinator)
    response = post_form(client, f"/items/{item.id}", f"/s/instructed_item/{item.id}/steps/{work.task_uuid}", form)
    return item, client, response


def test_the_review_form_refers_and_the_referral_page_shows_its_step(db, org, as_user):
    item, client, response = _review(db, org, as_user, refer="y", refer_classification="slow",
                                     refer_facts="未按期调查取证，拖延办理。")
    assert response.status_code == 302
    referral = db.query(AccountabilityReferral).filter_by(source_family="instructed_item",
                                                          source_subject_id=item.id).one()
    assert referral.instance_id == item.instance_id and referral.referred_at >= NOW
    assert [w.step for w in open_work(db, referral)] == ["accept"]
    page = as_user(org.officer).get(f"/referrals/{referral.id}")
    assert page.status_code == 200 and "受理" in page.get_data(as_text=True)
    item_page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "追责移送" in item_page, "the item's current step is the referral it waits for"


def test_a_referral_without_facts_is_refused_next_to_the_field(db, org, as_user):
    item, _client, response = _review(db, org, as_user, refer="y", refer_classification="slow", refer_facts="")
    assert response.status_code in (200, 400)
    assert "请填写问题事实" in response.get_data(as_text=True)
    assert db.query(AccountabilityReferral).count() == 0
    assert [w.step for w in open_work(db, item)] == ["review"]
