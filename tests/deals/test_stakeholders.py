"""The stakeholder map of a deal: add, change a stance (its history from the audit trail), remove; the meeting
plan; who may change it."""
from app.archive.enums import DecisionRole, Stance
from app.deals.enums import DealStage
from app.deals.models import Deal, Stakeholder
from app.deals.stakeholders import summarise
from app.extensions import db
from tests.factories import ClientFactory, ContactFactory, make_user


def deal_of(owner, **kwargs) -> Deal:
    client = ClientFactory(owner_id=owner.id)
    deal = Deal(client=client, title="手麻系统", owner_id=owner.id, stage=DealStage.NEEDS, next_action="约主任",
                **kwargs)
    db.session.add(deal)
    db.session.flush()
    return deal


def test_the_summary_counts_stances_and_asks_whether_the_decider_supports():
    def row(role, stance):
        return Stakeholder(decision_role=role, stance=stance)

    assert summarise([]).decider_supports is None
    mixed = summarise([row(DecisionRole.DECIDER, Stance.SUPPORT), row(DecisionRole.USER, Stance.OPPOSE),
                       row(DecisionRole.INFLUENCER, Stance.NEUTRAL), row(None, Stance.SUPPORT), row(None, None)])
    assert (mixed.support, mixed.neutral, mixed.oppose, mixed.decider_supports) == (2, 1, 1, True)
    assert summarise([row(DecisionRole.DECIDER, Stance.NEUTRAL)]).decider_supports is False


def test_a_rep_adds_changes_and_removes_a_stakeholder_and_sees_the_stance_history(client, login_as, db):
    rep = login_as("sales")
    deal = deal_of(rep)
    director = ContactFactory(client_id=deal.client_id, name="王院长")
    db.session.commit()
    url = f"/deals/{deal.id}/stakeholders"

    response = client.post(url, data={"new-contact_id": director.id, "new-decision_role": "decider",
                                      "new-stance": "neutral", "new-relationship_stage": "acquainted",
                                      "new-notes": "请信息科主任引荐"})
    assert response.status_code == 302
    stakeholder = db.session.query(Stakeholder).one()
    assert (stakeholder.stance, stakeholder.relationship_stage.value) == (Stance.NEUTRAL, "acquainted")

    response = client.post(f"{url}/{stakeholder.id}", data={
        f"s{stakeholder.id}-decision_role": "decider", f"s{stakeholder.id}-stance": "support",
        f"s{stakeholder.id}-relationship_stage": "trusting", f"s{stakeholder.id}-notes": "已认同方案"},
        headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and "王院长" in fragment
    db.session.refresh(stakeholder)
    assert stakeholder.stance is Stance.SUPPORT

    page = client.get(url).get_data(as_text=True)
    history = page.split("stance-history")[1].split("</ol>")[0]
    assert history.index("中立 → 支持我方") < history.index("— 未设置 — → 中立")  # newest first
    assert rep.display_name in history
    assert "支持：1" in page and "决策者支持我方" in page

    assert client.post(f"{url}/{stakeholder.id}/delete").status_code == 302
    assert db.session.query(Stakeholder).count() == 0


def test_a_bad_add_is_refused_by_the_field_with_the_typed_values_kept(client, login_as, db):
    rep = login_as("sales")
    deal = deal_of(rep)
    ContactFactory(client_id=deal.client_id)
    stranger = ContactFactory(client_id=ClientFactory(owner_id=rep.id).id)
    db.session.commit()
    response = client.post(f"/deals/{deal.id}/stakeholders", data={
        "new-contact_id": stranger.id, "new-stance": "oppose", "new-notes": "x" * 4001})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="new-notes-error"' in page and 'id="new-contact_id-error"' in page
    assert '<option selected value="oppose">' in page
    assert db.session.query(Stakeholder).count() == 0


def test_a_contact_of_another_client_is_refused(client, login_as, db):
    rep = login_as("sales")
    deal = deal_of(rep)
    own = ContactFactory(client_id=deal.client_id)
    stranger = ContactFactory(client_id=ClientFactory(owner_id=rep.id).id)
    db.session.commit()
    # The select offers only the deal's client's contacts, so a forged id is refused by the choice check.
    response = client.post(f"/deals/{deal.id}/stakeholders", data={"new-contact_id": stranger.id})
    assert response.status_code == 422
    assert own.name in response.get_data(as_text=True)
    assert db.session.query(Stakeholder).count() == 0


def test_the_meeting_plan_and_fallback_are_saved(client, login_as, db):
    rep = login_as("sales")
    deal = deal_of(rep)
    db.session.commit()
    response = client.post(f"/deals/{deal.id}/plan", data={"meeting_plan": "先谈临床价值",
                                                            "fallback_plan": "改约副院长"})
    assert response.status_code == 302
    db.session.refresh(deal)
    assert (deal.meeting_plan, deal.fallback_plan) == ("先谈临床价值", "改约副院长")


def test_service_reads_the_map_but_may_not_change_it(client, login_as, db):
    login_as("service")
    deal = deal_of(make_user("sales"), meeting_plan="先谈临床价值")
    contact = ContactFactory(client_id=deal.client_id)
    stakeholder = Stakeholder(contact=contact, stance=Stance.SUPPORT)
    deal.stakeholders.append(stakeholder)
    db.session.commit()
    url = f"/deals/{deal.id}/stakeholders"
    page = client.get(url)
    assert page.status_code == 200 and "先谈临床价值" in page.get_data(as_text=True)
    assert f"{url}/{stakeholder.id}/delete" not in page.get_data(as_text=True)
    assert client.post(f"{url}/{stakeholder.id}", data={f"s{stakeholder.id}-stance": "oppose"}).status_code == 403
    assert client.post(f"{url}/{stakeholder.id}/delete").status_code == 403
    assert client.post(f"/deals/{deal.id}/plan", data={"meeting_plan": "改"}).status_code == 403
    db.session.refresh(stakeholder)
    assert stakeholder.stance is Stance.SUPPORT


def test_another_reps_deal_is_not_found(client, login_as, db):
    login_as("sales")
    deal = deal_of(make_user("sales"))
    contact = ContactFactory(client_id=deal.client_id)
    deal.stakeholders.append(Stakeholder(contact=contact))
    db.session.commit()
    url = f"/deals/{deal.id}/stakeholders"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"new-contact_id": contact.id}).status_code == 404
    assert client.post(f"{url}/{deal.stakeholders[0].id}/delete").status_code == 404
