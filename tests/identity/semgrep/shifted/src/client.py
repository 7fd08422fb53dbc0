# shifted fixture: line 1
# shifted fixture: line 2

"""Second scanned file so paths differ between results."""
import requests

db_password = "hunter2"


# harmless unrelated line inserted in the middle
def fetch(url):
    return requests.get(url, verify=False)


def push(url, body):
    return requests.post(url, data=body, verify=False)
