"""Uploaded documents: content-checked, hashed, stored under server-made names."""
