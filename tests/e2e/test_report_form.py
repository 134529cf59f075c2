"""The fault-report form as a new resident meets it, for every report topic, through the running bot:
started without a place it asks where first; started with the place and what is wrong it goes
straight to the contact; "yes" to the contact question asks for the address; a long report that
fits no single topic is filed in the city's general category with the resident's own words."""

import pytest

from citizenbot.reports.flow import REPORT_TOPICS


def topics(messages):
    return [(m.get("custom") or {}).get("topic") for m in messages]


# (topic, language, a first message without a place, a first message with the place and what is wrong)
CASES = [
    ("maintenance.pothole", "fi", "haluan ilmoittaa kuopasta",
     "Hämeenkadulla 10 on syvä kuoppa ajoradalla, autot joutuvat väistelemään"),
    ("maintenance.street_light", "en", "I want to report a broken street light",
     "The street light at Sammonkatu 40 has been dark for a week"),
    ("maintenance.traffic_light", "sv", "jag vill anmäla ett trasigt trafikljus",
     "Trafikljusen vid Hämeenkatu 20 blinkar bara gult sedan i morse"),
    ("maintenance.traffic_sign", "fi", "haluan ilmoittaa liikennemerkistä",
     "Teiskontiellä 30 stop-merkki on kaatunut maahan"),
    ("maintenance.tree", "en", "I want to report a fallen tree",
     "A big tree has fallen across the footpath on Sammonkatu 12 after the storm"),
    ("maintenance.playground", "sv", "jag vill anmäla en trasig lekplats",
     "Gungan på lekplatsen vid Hämeenkatu 5 är trasig, kedjan har gått av"),
    ("maintenance.litter_bin", "fi", "haluan ilmoittaa roska-astiasta",
     "Roskis on ollut täynnä jo viikon Hämeenkatu 15 kohdalla ja roskat lentelevät"),
    ("maintenance.graffiti", "en", "I want to report graffiti",
     "Someone sprayed graffiti all over the wall of the underpass at Teiskontie 8"),
    ("maintenance.abandoned_vehicle", "fi", "haluan ilmoittaa hylätystä autosta",
     "Sammonkadulla 20 on seissyt romuauto kuukauden ilman rekisterikilpiä"),
    ("maintenance.stormwater", "sv", "jag vill anmäla en igensatt dagvattenbrunn",
     "Dagvattenbrunnen vid Hämeenkatu 30 är igensatt och gatan står under vatten"),
]


def test_every_report_topic_is_tried():
    assert {case[0] for case in CASES} | {"maintenance.other_fault"} == set(REPORT_TOPICS)


@pytest.mark.parametrize("topic, lang, without_place, _with_place", CASES, ids=[c[0] for c in CASES])
def test_a_report_without_a_place_asks_where_first_and_nothing_about_a_contact(resident, topic, lang,
                                                                               without_place, _with_place):
    bot = resident(page_lang=lang)
    first = bot.say(without_place)
    assert topics(first)[0] == topic, first
    assert topics(first)[-1] == f"{topic}.report.ask_location", first
    assert not any("invalid" in (t or "") for t in topics(first))
    assert all(m["custom"]["lang"] == lang for m in first)
    after_place = topics(bot.say("Hämeenkatu 12"))[-1]
    # what is wrong comes next, unless the first message already said more than the topic
    # ("a broken street light"): then the contact
    assert after_place in (f"{topic}.report.ask_description", f"{topic}.report.ask_contact")
    if after_place.endswith("ask_description"):
        assert topics(bot.say("se on ihan rikki" if lang == "fi" else "it is completely broken"))[-1] == \
            f"{topic}.report.ask_contact"


@pytest.mark.parametrize("topic, lang, _without_place, with_place", CASES, ids=[c[0] for c in CASES])
def test_a_report_with_the_place_and_what_is_wrong_goes_to_the_contact(resident, topic, lang, _without_place,
                                                                       with_place):
    bot = resident(page_lang=lang)
    first = bot.say(with_place)
    assert topics(first)[0] == topic, first
    assert topics(first)[-1] == f"{topic}.report.ask_contact", first
    yes = {"fi": "kyllä", "sv": "ja", "en": "yes"}[lang]
    assert topics(bot.say(yes)) == [f"{topic}.report.ask_contact_address"]  # "yes, reply to me": the address
    summary = bot.say("matti.meikalainen@example.com")
    assert topics(summary) == [f"{topic}.report.confirm"]
    assert "matti.meikalainen@example.com" in summary[0]["text"]


def test_a_long_report_that_fits_no_single_topic_is_filed_in_the_general_category(resident):
    bot = resident(page_lang="fi")
    text = ("Hei! Hämeenkadun ja Kuninkaankadun kulmassa oleva aita on kaatunut jalkakäytävälle ja estää kulun. "
            "Terveisin Matti")
    first = bot.say(text)
    assert topics(first)[0] == "maintenance.other_fault", first
    summary = bot.say("ei")  # no reply wanted
    assert topics(summary) == ["maintenance.other_fault.report.confirm"], summary
    assert "aita on kaatunut jalkakäytävälle ja estää kulun" in summary[0]["text"]  # the resident's words
    assert "Matti" not in summary[0]["text"]  # but not the signature's name
