"""Second scanned file so paths differ between results."""
import requests

db_password = "hunter2"


def fetch(url):
    return requests.get(url, verify=False)


def push(url, body):
    return requests.post(url, data=body, verify=False)
