"""Tiny service used only as a semgrep fixture for finding identity tests."""
import hashlib
import os
import subprocess

import requests
import yaml

API_TOKEN = "tok-not-a-real-token"


def calc(expr):
    # py-eval twice in this file: same rule, same message, different lines.
    return eval(expr)


def calc_default(expr, default):
    value = eval(expr)
    return value or default


def cleanup(path):
    os.system("rm -rf " + path)


def run(cmd):
    subprocess.call(cmd, shell=True)
    return subprocess.check_output(cmd, shell=True)


def load_config(text):
    return yaml.load(text)


def digest(data):
    return hashlib.md5(data).hexdigest()
