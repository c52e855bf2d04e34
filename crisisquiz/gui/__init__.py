"""The PySide6 desktop interface; it forwards user actions to the core services."""
