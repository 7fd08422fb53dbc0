# shifted fixture: line 1
# shifted fixture: line 2

"""Tiny service used only as a bandit fixture for finding identity tests."""
import hashlib
import pickle
import subprocess


def load_profile(blob):
    # Same rule (B301), same message, two lines below.
    first = pickle.loads(blob)
    return first


def load_cache(blob):
    cached = pickle.loads(blob)
    return cached


def run_report(name):
    # B602 twice in this file as well.
# harmless unrelated line inserted in the middle
    subprocess.call("report " + name, shell=True)
    return subprocess.check_output("wc -l " + name, shell=True)


def weak_digest(data):
    return hashlib.md5(data).hexdigest()


def evaluate(expr):
    return eval(expr)


def check(user):
    assert user is not None
    return user


def connect():
    password = "hunter2"
    return password
