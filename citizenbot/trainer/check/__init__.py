"""``citizenbot data check``: what a trainer must fix before training, with clear messages.

Errors (exit 1):

* ``taxonomy``        a topic of kb/topics.yml is not an intent of domain.yml, or the other way round, or
                      they disagree with the non-topic intents of citizenbot/intents.py
* ``no-rule``         an intent no dialogue rule handles (or a rule for an unknown intent)
* ``no-examples``     a topic without examples in a language
* ``few-examples``    fewer than the minimum number of examples in a language (default 20)
* ``unknown-intent``  examples for an intent that is not in domain.yml
* ``duplicate``       the same example under two intents (case, ä/ö and punctuation ignored)
* ``eval-leak``       an example that is an evaluation question (tests/eval/*.tsv)
* ``entity``          an annotated entity ([text](type)) the knowledge base does not know
* ``no-answer``       a topic without an answer or a button title, or a text missing a language
* ``placeholder``     an answer {placeholder} that does not resolve
* ``content``         anything else that stops the knowledge base from loading (citizenbot seed)
* ``link``            a malformed link in an answer; with ``--links`` also links that do not answer
* ``number``          an answer that writes 112 / 116117 / the poison centre's number itself
* ``yaml``            a file that is not valid YAML
* ``missing-translation``  a served language (other than fi, sv, en) without translations of some answers
* ``outdated``        a translation made from an older source text (its ``source_sha`` no longer matches)

Warnings (reported, exit 0): the same example twice under one intent, a plain ``http://`` link,
an evaluation question naming an unknown topic, a health text no native speaker has reviewed
(``draft``), a translation of an answer that no longer exists.

The checks of the training data are in ``data.py``, those of the content (answers, placeholders,
the knowledge base, links) in ``content.py`` and ``links.py``, those of the translations in
``translations.py``; ``report.py`` holds the issues.
"""

from __future__ import annotations

from ..project import Project
from .content import ContentChecks
from .data import MIN_EXAMPLES, DataChecks
from .links import check_urls_online, link_problem
from .report import ERROR, WARNING, Findings, Issue, Report

__all__ = ["ERROR", "MIN_EXAMPLES", "WARNING", "Checker", "Issue", "Report", "check_urls_online", "link_problem",
           "run_check"]


class Checker:
    """One run of every check: the training data (``data.py``), then the content (``content.py``)."""

    def __init__(self, project: Project, min_examples: int = MIN_EXAMPLES, check_links_online: bool = False,
                 link_timeout: float = 10.0):
        self.found = Findings(project)
        self.data = DataChecks(self.found, min_examples)
        self.content = ContentChecks(self.found, check_links_online, link_timeout)

    def run(self) -> Report:
        topics = self.data.run()
        self.content.run(topics)
        return Report(self.found.issues)


def run_check(project: Project, min_examples: int = MIN_EXAMPLES, links: bool = False) -> Report:
    return Checker(project, min_examples=min_examples, check_links_online=links).run()
