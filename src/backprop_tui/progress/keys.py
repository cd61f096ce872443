"""The installation's key: an Ed25519 key in the data directory, made once, kept private.

``serve`` presents it as its SSH host key (students check its fingerprint when
they first connect) and certificates are signed with it, so that a
certificate's signature can be checked against the fingerprint the class
already knows. It is made on first use with mode 0600 (its folder 0700) and
read back afterwards, in OpenSSH's own file format (``ssh-keygen -l -f`` reads it).

``serve --host-key FILE`` uses another file: the server says so to each session
in ``$BACKPROP_TUI_HOST_KEY``, and :func:`key_path` follows it, so certificates
are signed with the key the students' SSH clients were shown.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_NAME = "host_key"
"""The key's file name inside the data directory."""
HOST_KEY_ENV = "BACKPROP_TUI_HOST_KEY"
"""Environment variable naming the key file instead (``serve --host-key FILE`` sets it for its sessions)."""


MAX_KEY_BYTES = 64 * 1024
"""A key file is a few hundred bytes: no more than this is read (the path may come from the environment)."""


class KeyFileError(Exception):
    """The key file can't be used (one line: why)."""


class _Missing(KeyFileError):
    """There is no file at the path."""


def key_path() -> Path:
    """The installation's key file: ``$BACKPROP_TUI_HOST_KEY`` if set, else ``host_key`` in the data directory."""
    chosen = os.environ.get(HOST_KEY_ENV)
    if chosen:
        return Path(chosen).expanduser()
    from backprop_tui.progress.store import data_dir  # sqlite and platformdirs: only when asked

    return data_dir() / KEY_NAME


def signing_key() -> Ed25519PrivateKey:
    """The key that signs certificates: the one of :func:`key_path`.

    The default file is made on first use; a file named in ``$BACKPROP_TUI_HOST_KEY``
    must exist (a new key there would not be the one the server presents).

    Raises:
        KeyFileError: the key can't be read, made or used (one line: why).
    """
    path = key_path()
    return load(path) if os.environ.get(HOST_KEY_ENV) else load_or_create(path)


def installation_public_key() -> Ed25519PublicKey | None:
    """The public half of :func:`key_path`'s key, or ``None`` when there is no key yet (nothing is made).

    Raises:
        KeyFileError: the file exists but can't be read or is not a usable key.
    """
    try:
        return load(key_path()).public_key()
    except _Missing:
        return None


def load(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key in ``path``, which must exist.

    Raises:
        KeyFileError: there is no such file, or it can't be read, or it is not an unencrypted Ed25519 private key.
    """
    try:
        with path.open("rb") as file:
            data = file.read(MAX_KEY_BYTES + 1)
    except FileNotFoundError:
        raise _Missing(f"{path} doesn't exist") from None
    except OSError as e:
        raise KeyFileError(f"{path} can't be read ({e.strerror or e})") from None
    return _parse(path, data)


def load_or_create(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key in ``path``; made there (0600, folder 0700) if there is none.

    Raises:
        KeyFileError: the file is not an unencrypted Ed25519 private key, or can't be read or written.
    """
    try:
        return load(path)
    except _Missing:
        return _create(path)


def _parse(path: Path, data: bytes) -> Ed25519PrivateKey:
    if len(data) > MAX_KEY_BYTES:
        raise KeyFileError(f"{path} is not an OpenSSH private key (it is far too large)")
    try:
        key = serialization.load_ssh_private_key(data, password=None)
    except (ValueError, TypeError) as e:
        raise KeyFileError(f"{path} is not an unencrypted OpenSSH private key ({e})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} is not an Ed25519 key")
    return key


def _create(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption())
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use that one
        return load_or_create(path)
    except OSError as e:
        raise KeyFileError(f"{path} can't be written ({e.strerror or e})") from None
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return key


def public_line(key: Ed25519PublicKey) -> str:
    """The public key as one OpenSSH line: ``ssh-ed25519 AAAA…``."""
    return key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


def fingerprint(key: Ed25519PublicKey) -> str:
    """The key's fingerprint as OpenSSH prints it: ``SHA256:`` and unpadded base64 of the key blob's SHA-256."""
    blob = base64.b64decode(public_line(key).split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
