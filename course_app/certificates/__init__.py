"""Certificates of completed training: an HTML page, a PDF, and a code to verify them."""
