"""Rasa NLU graph components of the assistant.

* ``LemmaTokenizer``: whitespace tokens whose lemma is the dictionary form in the message's own
  language (simplemma), folded (ä -> a...). Finnish inflects heavily ("kadulla", "kadut", "katua" are
  all "katu"), so word features on lemmas generalise from far fewer examples.
* ``NormalizedLogisticRegression``: Rasa's LogisticRegressionClassifier on tf-idf weighted,
  length-normalised features, with a configurable inverse regularisation ``C``. Words and n-grams
  found in most examples ("milloin", "voiko") weigh less than telling ones ("aurataan"), and a
  long, messy report weighs the same as a three-word question (measurements in README).
* ``EmergencyOverride``: the rule-based emergency safety net (``citizenbot.safety``). Placed last,
  after the FallbackClassifier, it sets the intent to ``health.emergency`` with confidence 1.0 when
  a message describes a life-threatening emergency, whatever the classifier predicted.
"""

from __future__ import annotations

from typing import Any, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from citizenbot import language, safety
from citizenbot.gazetteer import load_name_index
from citizenbot.names import guess_street
from citizenbot.text import fold, lemma

LANGUAGE_KEY = "language"
PLACE_LEMMA = "__place__"
SAFETY_KEY = "safety_rule"
EMERGENCY_INTENT = "health.emergency"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class LemmaTokenizer(WhitespaceTokenizer):
    """Whitespace tokenizer that adds language-aware, folded lemmas.

    Place names (streets, districts, plans and venues of the city's knowledge base, and street-like
    words such as "Koivukujalla") get the lemma ``__place__``: which street a resident names says
    nothing about the topic, and masking it keeps the classifier from learning spurious links
    between names and topics in the training examples.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**WhitespaceTokenizer.get_default_config(), "mask_places": True}

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self._names = load_name_index() if config.get("mask_places", True) else None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LemmaTokenizer:
        language.warm_up()
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        if attribute != TEXT or not tokens:
            return tokens
        detected = language.detect(message.get(TEXT) or "")
        lang = detected.lang or "fi"
        message.set(
            LANGUAGE_KEY,
            {"lang": detected.lang, "confidence": round(detected.confidence, 3)},
            add_to_output=True,
        )
        places: list[tuple[int, int]] = []
        if self._names is not None:
            text = message.get(TEXT) or ""
            places = [(m.start, m.end) for m in self._names.find(text, lang=lang)]
        for token in tokens:
            if any(token.start < end and token.end > start for start, end in places) or (
                self._names is not None and guess_street(token.text)
            ):
                token.lemma = PLACE_LEMMA
            else:
                token.lemma = fold(lemma(token.text, lang))
        return tokens


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class NormalizedLogisticRegression(LogisticRegressionClassifier):
    """Logistic regression over tf-idf weighted, unit-length feature vectors (module docstring)."""

    IDF_FILE = "idf.npy"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "idf": True, "normalize": True}

    def __init__(self, config: dict[str, Any], name: str, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))
        self._idf = None

    def _create_X(self, messages: list[Message]):
        from sklearn.preprocessing import normalize

        X = super()._create_X(messages)
        if self._idf is not None:
            if X.shape[1] != self._idf.shape[0]:
                raise ValueError(f"{X.shape[1]} features but {self._idf.shape[0]} idf weights: retrain the model")
            X = X.multiply(self._idf).tocsr()
        return normalize(X, norm="l2", copy=False) if self.config["normalize"] else X

    def train(self, training_data: TrainingData) -> Resource:
        self._idf = None
        if self.config["idf"]:
            examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
            if examples:
                self._idf = idf_weights(super()._create_X(examples))
        return super().train(training_data)

    def persist(self) -> None:
        import numpy as np

        super().persist()
        if self._idf is not None:
            with self._model_storage.write_to(self._resource) as model_dir:
                np.save(model_dir / self.IDF_FILE, self._idf)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> NormalizedLogisticRegression:
        import numpy as np

        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        try:
            with model_storage.read_from(resource) as model_dir:
                path = model_dir / cls.IDF_FILE
                if path.exists():
                    component._idf = np.load(path)
        except ValueError:  # nothing trained yet (Rasa's own load created an untrained component)
            pass
        return component


def idf_weights(X) -> Any:
    """Smoothed inverse document frequency per feature column (as scikit-learn's TfidfTransformer):
    a word or character n-gram found in most examples says little about the topic."""
    import numpy as np

    X = X.tocsr(copy=True)
    X.sum_duplicates()
    X.eliminate_zeros()
    df = np.bincount(X.indices, minlength=X.shape[1])  # examples in which each column occurs
    n = X.shape[0]
    return np.log((1 + n) / (1 + df)) + 1.0


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class EmergencyOverride(GraphComponent):
    """Forces the emergency intent when the safety rules match (see module docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"rules_file": None, "intent": EMERGENCY_INTENT}

    def __init__(self, config: dict[str, Any]) -> None:
        self._intent = config.get("intent") or EMERGENCY_INTENT
        path = config.get("rules_file")
        self._rules = safety.load_rules(path) if path else safety.load_rules()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmergencyOverride:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue  # a button payload names its intent itself
            rule = safety.emergency_rule(text, self._rules)
            if rule is None:
                continue
            message.set(SAFETY_KEY, rule, add_to_output=True)
            override = {"name": self._intent, "confidence": 1.0}
            ranking: Optional[list[dict[str, Any]]] = message.get(INTENT_RANKING_KEY) or []
            ranking = [override] + [r for r in ranking if r.get("name") != self._intent]
            message.set(INTENT, override, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
