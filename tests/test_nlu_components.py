"""The project's Rasa NLU components: lemma tokenizer and the normalised logistic regression."""

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from citizenbot.nlu.components import PLACE_LEMMA, LemmaTokenizer, NormalizedLogisticRegression

WORDS = ["lumi", "aura", "katu", "kuume", "lapsi", "rokote", "kaava", "vaihe"]
TOPICS = {"snow": [0, 1, 2], "fever": [3, 4], "plan": [6, 7]}


def message(counts: dict[int, float], intent: str | None = None) -> Message:
    row = np.zeros((1, len(WORDS)))
    for index, count in counts.items():
        row[0, index] = count
    data = {TEXT: "x"} | ({INTENT: intent} if intent else {})
    msg = Message(data)
    msg.add_features(Features(scipy.sparse.coo_matrix(row), FEATURE_TYPE_SENTENCE, TEXT, "test"))
    return msg


def training_data() -> TrainingData:
    rng = np.random.default_rng(0)
    examples = []
    for intent, words in TOPICS.items():
        for _ in range(15):
            chosen = rng.choice(words, size=2)
            examples.append(message({int(w): float(rng.integers(1, 4)) for w in chosen}, intent))
    return TrainingData(examples)


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def test_trains_persists_and_loads_with_the_same_predictions(storage):
    resource = Resource("lr")
    context = ExecutionContext(GraphSchema({}), node_name="lr")
    config = {**NormalizedLogisticRegression.get_default_config(), "C": 100}
    trained = NormalizedLogisticRegression.create(config, storage, resource, context)
    assert trained.clf.C == 100
    trained.train(training_data())
    loaded = NormalizedLogisticRegression.load(config, storage, resource, context)
    a, b = [message({0: 1, 2: 1})], [message({0: 1, 2: 1})]
    trained.process(a)
    loaded.process(b)
    assert a[0].get(INTENT)["name"] == b[0].get(INTENT)["name"] == "snow"
    assert a[0].get("intent_ranking") == b[0].get("intent_ranking")
    fever = loaded.process([message({3: 2})])[0]
    assert fever.get(INTENT)["name"] == "fever"


def test_length_does_not_change_the_confidence_when_normalised(storage):
    context = ExecutionContext(GraphSchema({}), node_name="lr")
    normalised = NormalizedLogisticRegression.create(
        NormalizedLogisticRegression.get_default_config(), storage, Resource("a"), context)
    raw = NormalizedLogisticRegression.create(
        {**NormalizedLogisticRegression.get_default_config(), "normalize": False}, storage, Resource("b"), context)
    for component in (normalised, raw):
        component.train(training_data())
    short, long = message({3: 1, 4: 1}), message({3: 4, 4: 4})  # the same words, four times as often
    normalised.process([short, long])
    assert short.get(INTENT)["confidence"] == pytest.approx(long.get(INTENT)["confidence"])
    short, long = message({3: 1, 4: 1}), message({3: 4, 4: 4})
    raw.process([short, long])
    assert long.get(INTENT)["confidence"] > short.get(INTENT)["confidence"] + 0.01


def test_lemmas_fold_inflections_and_mask_the_city_places():
    tokenizer = LemmaTokenizer(LemmaTokenizer.get_default_config())
    msg = Message({TEXT: "milloin Hämeenkadulla aurataan lumet kadulla"})
    tokens = tokenizer.tokenize(msg, TEXT)
    lemmas = {t.text: t.lemma for t in tokens}
    assert lemmas["Hämeenkadulla"] == PLACE_LEMMA
    assert (lemmas["kadulla"], lemmas["lumet"]) == ("katu", "lumi")
    assert msg.get("language")["lang"] == "fi"
    unmasked = LemmaTokenizer({**LemmaTokenizer.get_default_config(), "mask_places": False})
    assert {t.text: t.lemma for t in unmasked.tokenize(Message({TEXT: "Hämeenkadulla"}), TEXT)}["Hämeenkadulla"] != PLACE_LEMMA


def test_idf_weights_are_scikit_learns():
    from sklearn.feature_extraction.text import TfidfTransformer

    from citizenbot.nlu.components import idf_weights

    X = scipy.sparse.random(40, 30, density=0.2, format="csr", random_state=3)
    X.data = np.ceil(X.data * 3)
    assert np.allclose(idf_weights(X), TfidfTransformer(smooth_idf=True).fit(X).idf_)


def test_a_word_in_every_example_does_not_decide_the_topic(storage):
    context = ExecutionContext(GraphSchema({}), node_name="lr")
    component = NormalizedLogisticRegression.create(
        {**NormalizedLogisticRegression.get_default_config(), "C": 100}, storage, Resource("idf"), context)
    data = training_data()
    for example in data.intent_examples:  # "milloin" (column 5) in every example
        features = example.features[0].features.tolil()
        features[0, 5] = 3
        example.features[0].features = features.tocoo()
    component.train(data)
    assert component._idf[5] == pytest.approx(1.0) and component._idf[0] > 1.5
    loaded = NormalizedLogisticRegression.load(
        {**NormalizedLogisticRegression.get_default_config(), "C": 100}, storage, Resource("idf"), context)
    assert np.array_equal(loaded._idf, component._idf)
    assert loaded.process([message({5: 3, 3: 1})])[0].get(INTENT)["name"] == "fever"


def unsure(text: str, ranking: list[tuple[str, float]]) -> Message:
    msg = Message({TEXT: text})
    msg.set(INTENT, {"name": "nlu_fallback", "confidence": 0.8})
    msg.set("intent_ranking", [{"name": "nlu_fallback", "confidence": 0.8}]
            + [{"name": n, "confidence": c} for n, c in ranking])
    return msg


GENERAL = {"maintenance": "maintenance.other_fault", "zoning": "zoning.participation"}


def test_an_unsure_topic_in_a_sure_domain_gets_the_domains_general_topic():
    from citizenbot.nlu.components import DomainFallback

    component = DomainFallback({"threshold": 0.4, "general_topics": GENERAL})
    report = unsure("Pelastusvälineiden kiinnitys maahan on pettänyt. Kiinnitys ei tuolla tavalla edes pysy.",
                    [("maintenance.pothole", 0.18), ("maintenance.tree", 0.15), ("health.dental", 0.1),
                     ("maintenance.park", 0.12)])
    component.process([report])
    assert report.get(INTENT) == {"name": "maintenance.other_fault", "confidence": 0.45}
    assert report.get("intent_ranking")[0]["name"] == "maintenance.other_fault"
    assert report.get("domain_fallback")["domain"] == "maintenance"


def test_no_sure_domain_a_short_question_or_a_button_stays_not_understood():
    from citizenbot.nlu.components import DomainFallback

    component = DomainFallback({"threshold": 0.4, "general_topics": GENERAL})
    spread = unsure("jotain ihan muuta tässä nyt kerron teille pitkästi",
                    [("maintenance.pothole", 0.15), ("health.dental", 0.15), ("zoning.appeal", 0.15)])
    question = unsure("milloin se korjataan?", [("maintenance.pothole", 0.3), ("maintenance.tree", 0.3)])
    button = unsure("/maintenance.pothole", [("maintenance.pothole", 0.3), ("maintenance.tree", 0.3)])
    component.process([spread, question, button])
    assert [m.get(INTENT)["name"] for m in (spread, question, button)] == ["nlu_fallback"] * 3


def test_a_sure_topic_is_left_alone():
    from citizenbot.nlu.components import DomainFallback

    msg = Message({TEXT: "kuoppa tiessä"})
    msg.set(INTENT, {"name": "maintenance.pothole", "confidence": 0.9})
    DomainFallback({"threshold": 0.4, "general_topics": GENERAL}).process([msg])
    assert msg.get(INTENT)["name"] == "maintenance.pothole"


def classified(text: str, intent: str, confidence: float) -> Message:
    from citizenbot.nlu.components import EmergencyOverride  # noqa: F401 (imported for the reader)

    message = Message({TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}])
    return message


def test_the_classifiers_unsure_emergency_becomes_not_understood_with_the_112_line():
    from citizenbot.nlu.components import FALLBACK_INTENT, POSSIBLE_EMERGENCY_KEY, EmergencyOverride

    override = EmergencyOverride({})
    unsure, sure, ruled = (classified("this heat is killing me", "health.emergency", 0.36),
                           classified("my wife collapsed on the floor", "health.emergency", 0.8),
                           classified("isä ei hengitä", "maintenance.pothole", 0.3))
    override.process([unsure, sure, ruled])
    assert unsure.get(INTENT)["name"] == FALLBACK_INTENT and unsure.get(POSSIBLE_EMERGENCY_KEY) == 0.36
    assert sure.get(INTENT)["name"] == "health.emergency" and sure.get(POSSIBLE_EMERGENCY_KEY) is None
    assert ruled.get(INTENT) == {"name": "health.emergency", "confidence": 1.0}  # a rule always wins


def test_the_newer_languages_get_lemmas_and_one_feature_per_arabic_script_spelling(monkeypatch):
    monkeypatch.delenv("SERVED_LANGUAGES", raising=False)
    tokenizer = LemmaTokenizer(LemmaTokenizer.get_default_config())

    def lemmas(text: str) -> tuple[list[str], str]:
        msg = Message({TEXT: text})
        return [t.lemma for t in tokenizer.tokenize(msg, TEXT)], msg.get("language")["lang"]

    assert lemmas("когда почистят снег на улицах Hämeenkatu") == (
        ["когда", "почистить", "снег", "на", "улица", PLACE_LEMMA], "ru")
    assert lemmas("коли приберуть сніг на вулицях")[0][-1] == "вулиця"
    assert lemmas("millal lükatakse lund tänavatel")[0][-1] == "tanav"  # folded like Finnish
    persian, lang = lemmas("برف خیابان‌ها کی پاک می‌شود")
    assert lang == "fa" and persian == lemmas("برف خيابانها كي پاک ميشود")[0]  # Arabic yeh and kaf, no ZWNJ
    arabic, lang = lemmas("متى يتم تنظيف الشارعـ مِنَ الثلج")
    assert lang == "ar" and arabic == lemmas("متي يتم تنظيف الشارع من الثلج")[0]  # tatweel, vowel marks, alef maksura


def test_a_tiny_russian_and_persian_model_reads_both_spellings(storage, monkeypatch):
    """The pipeline's own tokenizer, Rasa's word and character n-gram featurizers and our classifier,
    trained in-process on a fixture of a few examples (not the project's data)."""
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer

    monkeypatch.delenv("SERVED_LANGUAGES", raising=False)
    examples = {
        "maintenance.snow_plowing": ["когда почистят снег на нашей улице", "снег на улице не убран уже три дня",
                                     "برف خیابان ما کی پاک می‌شود", "برف‌روبی خیابان‌ها کی انجام می‌شود"],
        "health.child_fever": ["у ребенка высокая температура что делать", "у дочки температура 39 с утра",
                               "بچه‌ام تب دارد چه کار کنم", "دخترم از صبح تب بالا دارد"],
    }
    data = TrainingData([Message({TEXT: text, INTENT: intent}) for intent, texts in examples.items() for text in texts])
    context = ExecutionContext(GraphSchema({}), node_name="nlu")
    tokenizer = LemmaTokenizer(LemmaTokenizer.get_default_config())
    words = CountVectorsFeaturizer.create({**CountVectorsFeaturizer.get_default_config(), "ngram_range": [1, 2]},
                                          storage, Resource("words"), context)
    chars = CountVectorsFeaturizer.create({**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb",
                                           "min_ngram": 2, "max_ngram": 5}, storage, Resource("chars"), context)
    classifier = NormalizedLogisticRegression.create(
        {**NormalizedLogisticRegression.get_default_config(), "C": 100}, storage, Resource("lr"), context)
    tokenizer.process_training_data(data)
    for featurizer in (words, chars):
        featurizer.train(data)
        featurizer.process_training_data(data)
    classifier.train(data)

    def intent(text: str) -> str:
        msg = Message({TEXT: text})
        tokenizer.process([msg])
        words.process([msg])
        chars.process([msg])
        classifier.process([msg])
        return msg.get(INTENT)["name"]

    assert intent("снег на улицах не чистят") == "maintenance.snow_plowing"
    assert intent("у сына температура") == "health.child_fever"
    assert intent("برف خيابانها كي پاک ميشود") == "maintenance.snow_plowing"  # the Arabic yeh and kaf, no ZWNJ
    assert intent("پسرم تب دارد") == "health.child_fever"
