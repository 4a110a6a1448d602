"""Tandem's corrections to Django's locale formats (settings.FORMAT_MODULE_PATH); what a module
here leaves out, Django's own locale module gives."""
