"""Notices on paper (PDF) and their public verification."""
