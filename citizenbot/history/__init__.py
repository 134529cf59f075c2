"""Learning from a city's feedback history (``citizenbot history import``).

A city's feedback system (Open311 GeoReport v2) holds years of residents' messages, each filed
under a category and answered. They are how residents really write: long reports with greetings,
dates and signatures. The importer turns them into training examples and a held-out evaluation
set, the way a city would:

* ``sources``  reads the history: a JSONL export, or a GeoReport v2 server's ``requests.json``
  fetched in date windows;
* ``mapping``  maps the city's service codes (and agencies) to our topics, refining broad
  categories by what the message names (``kb/history/<source>.yml``);
* ``clean``    removes what is not the resident's words (links, forum boilerplate) and personal
  data (``citizenbot.redact`` plus names in signatures);
* ``importer`` labels, de-duplicates, splits by date (the newest share is held out and never
  trained on) and writes ``data/nlu/<lang>/history_<source>.yml`` and
  ``tests/eval/history_<source>.tsv``.
"""
