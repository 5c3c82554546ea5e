"""Mail to subscribers: alerts and digests, the outbox that delivers them, the subscribers.

``notify`` composes and queues the messages in the caller's transaction;
``outbox`` delivers them; ``subscribers`` manages who receives what.
"""
