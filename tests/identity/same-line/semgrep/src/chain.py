"""semgrep fixture: one rule, two different messages on one line."""
import os

cfg = os.getenv("HOME") or os.getenv("USERPROFILE")
out = client.session().fetch()
