"""stub"""


def add_parsers(sub) -> None:
    pass
