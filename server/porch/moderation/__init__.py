"""Moderation: who may moderate what (access.py), the console's sessions (console.py), and the moderation
service beside Comments."""
