"""Pure domain rules: values in, values out. Imports nothing from Flask or SQLAlchemy."""
