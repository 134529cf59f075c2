"""Alembic's environment: always run by ``citizenbot.store.schema`` on a connection it opened
(and locked), with the project's models as the target; never with a URL of its own."""

from alembic import context

from citizenbot.store.schema import include_name, target_metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=target_metadata(),
    include_name=include_name,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
