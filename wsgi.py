"""Production entry point: ``gunicorn wsgi:app`` (production config unless CHAPTER_CONFIG says)."""

import os

from chapter import create_app

app = create_app(os.environ.get("CHAPTER_CONFIG", "production"))
