"""Custom actions of the assistant, one module per concern. Thin: the logic is in ``citizenbot``."""
