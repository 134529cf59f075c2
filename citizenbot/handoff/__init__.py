"""Talking to a person: queues, service hours, the handoff state of conversations, staff."""
