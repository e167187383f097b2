"""The applicant's pages, one module per part (composed in portal/web/applicant_pages.py)."""
