"""The installation's key: an Ed25519 key in the data directory, made once, kept private.

``serve`` presents it as its SSH host key (students check its fingerprint when
they first connect) and certificates are signed with it, so that a
certificate's signature can be checked against the fingerprint the class
already knows. It is made on first use with mode 0600 (its folder 0700) and
read back afterwards, in OpenSSH's own file format (``ssh-keygen -l -f`` reads it).
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


class KeyFileError(Exception):
    """The key file exists but can't be used (one line: why)."""


def load_or_create(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key in ``path``; made there (0600, folder 0700) if there is none.

    Raises:
        KeyFileError: the file is not an unencrypted Ed25519 private key, or can't be read or written.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return _create(path)
    except OSError as e:
        raise KeyFileError(f"{path} can't be read ({e.strerror or e})") from None
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
