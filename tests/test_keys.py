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


# -- which key: the data directory's, or the one serve --host-key names -------------------------------


def test_the_default_key_is_in_the_data_directory_and_made_when_signing(tmp_path, monkeypatch):
    monkeypatch.delenv(keys.HOST_KEY_ENV, raising=False)
    from backprop_tui.progress.store import data_dir

    assert keys.key_path() == data_dir() / keys.KEY_NAME
    assert keys.installation_public_key() is None  # asking for the public key makes nothing
    assert not keys.key_path().exists()
    made = keys.signing_key()
    assert keys.key_path().is_file()
    assert keys.fingerprint(keys.installation_public_key()) == keys.fingerprint(made.public_key())


def test_the_host_key_variable_names_the_key(tmp_path, monkeypatch):
    chosen = tmp_path / "teacher" / "ssh_host_ed25519_key"
    own = keys.load_or_create(chosen)
    monkeypatch.setenv(keys.HOST_KEY_ENV, str(chosen))
    assert keys.key_path() == chosen
    assert keys.public_line(keys.signing_key().public_key()) == keys.public_line(own.public_key())
    assert keys.public_line(keys.installation_public_key()) == keys.public_line(own.public_key())


def test_a_named_key_that_is_missing_is_not_made(tmp_path, monkeypatch):
    chosen = tmp_path / "nowhere" / "key"
    monkeypatch.setenv(keys.HOST_KEY_ENV, str(chosen))
    with pytest.raises(keys.KeyFileError, match="doesn't exist"):
        keys.signing_key()
    assert keys.installation_public_key() is None
    assert not chosen.parent.exists()


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / keys.KEY_NAME
    path.write_bytes(b"x" * (keys.MAX_KEY_BYTES + 10))
    with pytest.raises(keys.KeyFileError, match="too large"):
        keys.load(path)
