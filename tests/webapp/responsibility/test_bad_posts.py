"""Bad posts to the responsibility routes get a message, never a 500."""

from __future__ import annotations

from tests.factories import make_item
from tests.webapp.helpers import post_form


def test_bad_co_squad_posts_never_answer_500(db, org, as_user):
    item = make_item(db, org)
    client = as_user(org.coordinator)
    page = f"/items/{item.id}"
    for data in ({"co-part": "正常的内容", "co-squad_id": "1"}, {"co-part": "x", "co-squad_id": "abc"},
                 {"co-part": "", "co-squad_id": ""}, {"co-part": "x", "co-squad_id": str(org.squad_b.id)}):
        resp = post_form(client, page, f"/r/instructed_item/{item.id}/co-squads", data)
        assert resp.status_code < 500, resp.get_data(as_text=True)[-3000:]
