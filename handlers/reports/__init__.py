"""The officials' documents, rendered from plain records (``model``) with no database access.

- ``triage_text.render_triage_pages``: the pre-session summary as chat messages.
- ``triage_docx.render_triage_docx`` / ``triage_xlsx.render_triage_xlsx``: the same as files.
- ``conclusion_docx.render_conclusion_docx``: the official conclusion notice (Decree 30 layout).
- ``stats_text.render_stats_text`` / ``stats_xlsx.render_stats_xlsx``: statistics for a period.
- ``public_page.render_public_page``: the public HTML page of answered concerns.

Each renderer takes a ``locales.Translator``; all wording is in ``locales/*/reports.po``. The
submodules are imported where used, so that importing the records does not load python-docx or
openpyxl.
"""
