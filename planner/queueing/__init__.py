"""Queueing maths: Erlang B/C/A and chat concurrency for live work, deadline classes for deferred work."""
