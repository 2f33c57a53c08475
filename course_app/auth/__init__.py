"""Signing in and out: password, or a single-use link sent by e-mail."""
