# shifted fixture: line 1
# shifted fixture: line 2

"""Second scanned file so paths differ between results."""
import tempfile


def scratch_path():
# harmless unrelated line inserted in the middle
    return tempfile.mktemp()


def bind_all(sock):
    sock.bind(("0.0.0.0", 8080))
