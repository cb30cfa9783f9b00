"""How large a request may be: 2 MB (``MAX_CONTENT_LENGTH``) everywhere but the pages that
take files, which name their own limit. Decided per request before anything reads the body
(CSRF protection reads the form first, so a view-level setting would come too late)."""

from __future__ import annotations

from flask import Request, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

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

    def _load_form_data(self) -> None:
        # Flask's own Request overrides this too; here the 413 learns the page's limit, so
        # the error page names it ("larger than 10 MB") instead of a generic sentence.
        try:
            super()._load_form_data()
        except RequestEntityTooLarge as error:
            raise RequestEntityTooLarge(too_large_message()) from error


def file_limit() -> int | None:
    """The largest file the current request's page takes, in bytes (None: no limit)."""
    key = LARGE_UPLOADS.get(request.endpoint or "")
    if key is not None:
        return int(current_app.config[key])
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return int(limit) if limit else None


def size_label(n: int) -> str:
    """10485760 -> "10 MB"; 50000 -> "49 KB" (the import page says its limit the same way)."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} MB"
    return f"{max(n // 1024, 1)} KB"


def too_large_message() -> str:
    """What the "file too large" page says: the limit of the page the file was sent to."""
    limit = file_limit()
    if limit is None:
        return "The file is larger than this site accepts."
    return f"The file is larger than {size_label(limit)}, the most this page accepts."
