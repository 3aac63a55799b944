"""Porch: a self-hosted comment system with live replies and federated sign-in."""

__version__ = "0.1.0"
