"""bandit fixture: B105 twice on one line with different messages."""
password = "alpha"; secret = "beta"
