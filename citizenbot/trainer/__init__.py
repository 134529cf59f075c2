"""Tools for trainers and content editors (README: "For trainers and content editors").

* ``project``   - the project's files as the tools see them; ``edits`` - careful edits of them.
* ``scaffold``  - ``citizenbot topic add``: a new topic in every file it needs, in every served language.
* ``check``     - ``citizenbot data check``: what to fix before training (package: training data,
  content, links).
* ``redact``, ``inbox``, ``review`` - the review inbox: messages the assistant did not handle well,
  redacted and grouped; decisions written into the training data (CLI TSV or JSON functions;
  package: collecting, grouping, TSV exchange, decisions, drafts, commands).
* ``cli``, ``cli_common`` - the trainers' commands of ``citizenbot``.
* ``evaluation``, ``training``, ``deploy`` - ``citizenbot train`` / ``deploy`` / ``rollback``.

Every function takes a ``Project`` (the checkout's root folder), so the tools and their tests can
work on a temporary copy of the project.
"""
