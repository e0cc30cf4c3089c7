"""Acceptance analytics from real review events: exact figures for a known sequence."""

from __future__ import annotations

from app.review.analytics import diff, levenshtein
from tests.conftest import authed_client, wait_for
from tests.factories import inbound


def test_levenshtein_and_diff():
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "abc") == 3
    assert levenshtein("same", "same") == 0
    assert diff("a\nb", "a\nc").splitlines()[-2:] == ["-b", "+c"]


def _drafts(client, workspace, n: int) -> list[dict]:
    ids = [client.post("/v1/messages", headers={"X-Workspace": workspace}, json=inbound(
        order_id=f"LL-7000{i}", customer={"handle": f"{workspace}-{i}", "name": f"C {i}",
                                          "email": None, "phone": None})).json()
           for i in range(n)]

    def ready():
        drafts = client.get("/v1/drafts?status=pending&limit=500",
                            headers={"X-Workspace": workspace}).json()
        mine = [d for d in drafts if d["message_id"] in {i["message_id"] for i in ids}]
        return mine if len(mine) == n else None
    return sorted(wait_for(ready), key=lambda d: d["id"])


def test_rates_per_dimension_and_csv_from_a_known_sequence(client, workspace,
                                                           sqlite_runtime):
    headers = {"X-Workspace": workspace}
    a, b, c, d = _drafts(client, workspace, 4)
    client.post(f"/v1/drafts/{a['id']}/approve", json={"actor": "ana"}, headers=headers)
    client.post(f"/v1/drafts/{b['id']}/approve", json={"actor": "ana",
                                                       "text": b["text"] + "!!"},
                headers=headers)
    client.post(f"/v1/drafts/{c['id']}/approve", json={"actor": "ben",
                                                       "text": c["text"] + "Thanks, Ben"},
                headers=headers)
    client.post(f"/v1/drafts/{d['id']}/reject", json={"actor": "ben",
                                                      "reason": "wrong policy"},
                headers=headers)
    with authed_client(sqlite_runtime, "qa_lead") as lead:
        report = lead.get("/v1/analytics/acceptance", headers=headers).json()
        csv = lead.get("/v1/analytics/acceptance.csv", headers=headers)
    assert report["overall"] == {"n": 4, "sent_as_is": 1, "edited": 2, "rejected": 1,
                                 "acceptance_rate": 0.25, "edit_rate": 0.5,
                                 "rejection_rate": 0.25, "median_edit_distance": 6.5}
    assert report["by"]["agent"]["ana"]["acceptance_rate"] == 0.5
    assert report["by"]["agent"]["ben"] == {"n": 2, "sent_as_is": 0, "edited": 1,
                                            "rejected": 1, "acceptance_rate": 0.0,
                                            "edit_rate": 0.5, "rejection_rate": 0.5,
                                            "median_edit_distance": 11}
    assert report["by"]["channel"]["email"]["n"] == 4
    assert list(report["by"]["drafter"]) == ["composer composer/grounded@3+tone/email@1"]
    lines = csv.text.strip().splitlines()
    assert csv.headers["content-type"].startswith("text/csv")
    assert lines[0] == ("draft_id,decided_at,action,agent,intent,channel,language,drafter,"
                        "edit_distance,reason")
    assert [line.split(",")[2] for line in lines[1:]] == ["approve", "edit", "edit", "reject"]
    assert lines[-1].endswith(",0,wrong policy")


def test_analytics_are_for_qa_leads_and_admins(sqlite_runtime, workspace):
    with authed_client(sqlite_runtime, "agent") as agent:
        response = agent.get("/v1/analytics/acceptance", headers={"X-Workspace": workspace})
    assert response.status_code == 403
