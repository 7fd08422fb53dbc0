"""Second scanned file so paths differ between results."""
import tempfile


def scratch_path():
    return tempfile.mktemp()


def bind_all(sock):
    sock.bind(("0.0.0.0", 8080))
