"""How large a request may be: 2 MB (``MAX_CONTENT_LENGTH``) everywhere but the pages that
take files, which name their own limit. Decided per request before anything reads the body
(CSRF protection reads the form first, so a view-level setting would come too late)."""

from __future__ import annotations

from flask import Request, current_app

# endpoint -> config key of its limit
LARGE_UPLOADS = {"imports.upload": "IMPORT_MAX_BYTES"}
FORM_OVERHEAD = 64 * 1024  # the multipart envelope and the other fields


class ChapterRequest(Request):
    @property  # type: ignore[override]
    def max_content_length(self) -> int | None:
        key = LARGE_UPLOADS.get(self.endpoint or "")
        if key is not None:
            return int(current_app.config[key]) + FORM_OVERHEAD
        return super().max_content_length
