"""A remembered password, kept only in the operating system's keyring.

Through the ``keyring`` package: the Secret Service (GNOME Keyring, KWallet) on
Linux, the Keychain on macOS, the Credential Manager on Windows. A backend that
writes passwords to a plain file (keyrings.alt's) is refused: then nothing is
remembered and the user is told so.
"""

from __future__ import annotations

from typing import Any

SERVICE = "crisisquiz school server"


class KeyringUnavailable(Exception):
    """This computer has no keyring to keep a password safely; the message says so."""


def _backends(backend: Any) -> list[Any]:
    inner = getattr(backend, "backends", None)
    return list(inner) if isinstance(inner, list | tuple) else [backend]


def _safe_keyring() -> Any:
    try:
        import keyring
    except ImportError:
        raise KeyringUnavailable(
            "the keyring package is not installed, so the password cannot be remembered"
        ) from None
    backend = keyring.get_keyring()
    usable = [
        b
        for b in _backends(backend)
        if getattr(b, "priority", 0) > 0 and not type(b).__module__.startswith("keyrings.alt")
    ]
    if not usable:
        raise KeyringUnavailable(
            "this computer has no password keyring (such as GNOME Keyring, KWallet, the "
            "macOS Keychain or the Windows Credential Manager), so the password was not "
            "remembered; you will type it next time"
        )
    return backend


def remember(key: str, password: str) -> None:
    """Keep ``password`` under ``key`` in the keyring (raises KeyringUnavailable)."""
    backend = _safe_keyring()
    try:
        backend.set_password(SERVICE, key, password)
    except Exception as error:
        raise KeyringUnavailable(f"the keyring refused to keep the password ({error})") from None


def recall(key: str) -> str | None:
    """The password kept under ``key``, or None (also when there is no keyring)."""
    try:
        backend = _safe_keyring()
        found = backend.get_password(SERVICE, key)
    except Exception:
        return None
    return found if isinstance(found, str) else None


def forget(key: str) -> None:
    """Remove the password kept under ``key``, if any."""
    try:
        backend = _safe_keyring()
        backend.delete_password(SERVICE, key)
    except Exception:
        return
