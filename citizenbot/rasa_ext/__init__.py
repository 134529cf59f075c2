"""Extensions loaded by the Rasa server (tracker store)."""
