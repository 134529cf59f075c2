"""What the assistant says for lookup topics (knowledge base seeded from kb/)."""

from datetime import date

from citizenbot.replies import CLOSED_PLAN_STAGES, answer_topic, format_date

TODAY = date(2026, 11, 27)


def ask(kb, topic, text, lang="fi"):
    return answer_topic(kb, topic, text, lang, TODAY)


def test_a_known_street_gets_its_maintenance_class(kb):
    (reply,) = ask(kb, "maintenance.snow_plowing", "Milloin Hämeenkadulla aurataan?")
    assert reply.topic == "maintenance.snow_plowing.street"
    assert "Hämeenkatu" in reply.text
    assert kb.label("maintenance_class.1.name", "fi") in reply.text


def test_the_same_street_in_swedish_and_english(kb):
    (sv,) = ask(kb, "maintenance.snow_plowing", "När plogas Tavastgatan?", "sv")
    (en,) = ask(kb, "maintenance.snow_plowing", "when is hameenkatu plowed", "en")
    assert sv.topic == en.topic == "maintenance.snow_plowing.street"
    assert kb.label("maintenance_class.1.name", "sv") in sv.text
    assert kb.label("maintenance_class.1.name", "en") in en.text


def test_an_unknown_street_gets_an_honest_answer_and_the_general_rule(kb):
    (reply,) = ask(kb, "maintenance.snow_plowing", "Milloin Tuntemattomankadulla aurataan?")
    assert reply.topic == "maintenance.snow_plowing.street_unknown"
    assert "Tuntemattomankatu" in reply.text
    assert kb.answer("maintenance.snow_plowing", "fi") in reply.text


def test_no_street_gets_the_general_answer(kb):
    (reply,) = ask(kb, "maintenance.snow_plowing", "missä järjestyksessä kadut aurataan")
    assert reply.topic == "maintenance.snow_plowing"
    assert reply.text == kb.answer("maintenance.snow_plowing", "fi")


def test_sanding_for_a_street(kb):
    (reply,) = ask(kb, "maintenance.slipperiness", "Itsenäisyydenkadulla on tosi liukasta", "fi")
    assert reply.topic == "maintenance.slipperiness.street"
    klass = kb.street("Itsenäisyydenkatu")["maintenance_class"]
    assert kb.label(f"maintenance_class.{klass}.sanding", "fi") in reply.text


def test_road_works_in_a_district_list_current_works(kb):
    works = kb.road_works(today=TODAY)
    target = next(w for w in works if w["district"])
    (reply,) = ask(kb, "maintenance.road_works", f"tietyöt {target['district']}", "en")
    assert reply.topic == "maintenance.road_works.found"
    assert target["description"]["en"] in reply.text


def test_road_works_none_found(kb):
    districts_with_works = {w["district"] for w in kb.road_works(today=TODAY)}
    quiet = next(d for d in ("Kämmenniemi", "Sorila", "Teisko", "Aitolahti", "Ikuri") if d not in districts_with_works and kb.district(d))
    (reply,) = ask(kb, "maintenance.road_works", f"onko {quiet} tietöitä", "fi")
    assert reply.topic == "maintenance.road_works.none"
    assert quiet in reply.text


def test_sand_removal_schedule_by_district(kb):
    (reply,) = ask(kb, "maintenance.sand_removal", "Koska hiekat harjataan Tesomalla?")
    area = kb.district("Tesoma")["sand_removal_area"]
    assert reply.topic == "maintenance.sand_removal.area"
    assert kb.label(f"sand_removal.{area}", "fi") in reply.text


def test_plan_status_by_name_and_number(kb):
    plan = next(p for p in kb.plans_in_district("Lielahti"))
    (by_number,) = ask(kb, "zoning.plan_status", f"missä vaiheessa on kaava {plan['number']}?")
    assert by_number.topic == "zoning.plan_status.found"
    assert kb.label(f"plan_stage.{plan['stage']}", "fi") in by_number.text
    (by_name,) = ask(kb, "zoning.plan_status", "Mikä on Ranta-Tampellan kaavan tilanne?", "fi")
    assert by_name.topic in {"zoning.plan_status.found", "zoning.plan_status.list"}


def test_unknown_plan_number(kb):
    (reply,) = ask(kb, "zoning.plan_status", "asemakaava 9999 tilanne?")
    assert reply.topic == "zoning.plan_status.not_found"
    assert "9999" in reply.text


def test_plans_in_a_district_are_listed(kb):
    plans = kb.plans_in_district("Lielahti")
    (reply,) = ask(kb, "zoning.plans_in_area", "Vilka planer är på gång i Lielahti?", "sv")
    assert reply.topic == "zoning.plans_in_area.found"
    assert all(p["name"]["sv"] in reply.text for p in plans[:8])


def test_planner_of_a_plan(kb):
    plan = next(p for p in kb.plans_in_district("Lielahti"))
    (reply,) = ask(kb, "zoning.contact_planner", f"who is the planner of plan {plan['number']}", "en")
    assert reply.topic == "zoning.contact_planner.found"
    assert plan["planner_email"] in reply.text


def test_faq_topics_answer_from_the_kb(kb):
    (reply,) = ask(kb, "maintenance.plow_berm", "kuka poistaa aurausvallin", "sv")
    assert reply.topic == "maintenance.plow_berm"
    assert reply.text == kb.answer("maintenance.plow_berm", "sv")


def test_format_date():
    assert format_date(date(2026, 11, 27), "fi") == "27.11.2026"
    assert format_date(date(2026, 11, 27), "en") == "27 Nov 2026"
    assert format_date("2027-03", "en") == "Mar 2027"
    assert format_date("2027-03", "sv") == "3/2027"
    assert format_date(None, "fi") == ""


def test_a_comment_on_a_plan_in_force_says_opinions_are_no_longer_collected(kb):
    closed = [p for p in kb.plans_in_district("Hiedanranta") if p["stage"] in CLOSED_PLAN_STAGES]
    open_ = [p for p in kb.plans_in_district("Hiedanranta") if p["stage"] not in CLOSED_PLAN_STAGES]
    assert len(closed) == 1 and len(open_) == 1  # the demo data this test relies on
    (reply,) = ask(kb, "zoning.participation",
                   "Kommentoin Hiedanrannan kaavaa: rantaan ei saa rakentaa kerrostaloja, ranta kuuluu kaikille.", "fi")
    # the first phase (in force) takes no opinions; the area's next phase, still being prepared, does
    assert "ei enää kerätä mielipiteitä" in reply.text and closed[0]["name"]["fi"] in reply.text
    assert open_[0]["name"]["fi"] in reply.text and open_[0]["planner_email"] in reply.text
    assert reply.topic == "zoning.participation.plan"
    (only,) = ask(kb, "zoning.participation", f"Vastustan kaavaa {closed[0]['number']}, ei kerrostaloja rantaan.", "fi")
    assert "ei enää kerätä mielipiteitä" in only.text


def test_a_comment_on_a_named_plan_says_where_to_send_it(kb):
    plan = next(p for p in kb.plans_in_district("Lielahti") if p["stage"] not in CLOSED_PLAN_STAGES)
    (reply,) = ask(kb, "zoning.participation",
                   f"Vastustan kaavaa {plan['number']}, liian korkeita taloja meidän rannalle. t. Aino", "fi")
    assert reply.topic == "zoning.participation.plan"
    assert plan["planner_email"] in reply.text and plan["name"]["fi"] in reply.text
    assert kb.answer("zoning.participation", "fi") in reply.text  # and how to take part in general
    (general,) = ask(kb, "zoning.participation", "miten voin vaikuttaa kaavoitukseen", "fi")
    assert general.topic == "zoning.participation"
