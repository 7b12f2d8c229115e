"""A figure provider as the other apps will register one, for testing the plumbing."""


def annual_figures(year: int) -> dict[str, int]:
    return {"incidents_handled": year - 1785, "calamities": 21, "unrelated": 1, **_rest(year)}


def _rest(year: int) -> dict[str, int]:
    keys = ["ddos_attacks", "phishing_takedowns", "misuse_investigations", "fraud_account_removals"]
    return dict.fromkeys(keys, year % 100)
