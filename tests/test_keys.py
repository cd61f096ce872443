"""The installation's Ed25519 key: made once, private, read back, fingerprinted as OpenSSH does."""

from __future__ import annotations

import stat
import subprocess

import pytest

from backprop_tui.progress import keys


def test_the_key_is_made_once_private_and_read_back(tmp_path):
    path = tmp_path / "home" / keys.KEY_NAME
    made = keys.load_or_create(path)
    again = keys.load_or_create(path)
    assert keys.public_line(made.public_key()) == keys.public_line(again.public_key())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_the_fingerprint_is_the_one_ssh_keygen_prints(tmp_path):
    path = tmp_path / keys.KEY_NAME
    key = keys.load_or_create(path)
    printed = subprocess.run(["ssh-keygen", "-l", "-f", str(path)], capture_output=True, text=True, check=True).stdout
    assert printed.split()[1] == keys.fingerprint(key.public_key())


BROKEN = b"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"


@pytest.mark.parametrize("content", [b"", b"not a key", BROKEN])
def test_a_file_that_is_not_a_key_is_refused_with_its_path(tmp_path, content):
    path = tmp_path / keys.KEY_NAME
    path.write_bytes(content)
    with pytest.raises(keys.KeyFileError, match=str(path)):
        keys.load_or_create(path)
    assert path.read_bytes() == content  # left as it was
