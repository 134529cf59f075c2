"""Tools for trainers and content editors (README: "For trainers and content editors").

* ``scaffold``  - ``citizenbot topic add``: a new topic in every file it needs, in fi/sv/en.
* ``check``     - ``citizenbot data check``: what to fix before training.
* ``redact``, ``inbox``, ``review`` - the review inbox: messages the assistant did not handle well,
  redacted and grouped; decisions written into the training data (CLI TSV or JSON functions).
* ``evaluation``, ``training``, ``deploy`` - ``citizenbot train`` / ``deploy`` / ``rollback``.

Every function takes a ``Project`` (the checkout's root folder), so the tools and their tests can
work on a temporary copy of the project.
"""
