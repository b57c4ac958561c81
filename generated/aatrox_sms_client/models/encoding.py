from typing import Literal

Encoding = Literal["gsm7", "ucs2"]

ENCODING_VALUES: set[Encoding] = {
    "gsm7",
    "ucs2",
}


def check_encoding(value: str) -> Encoding:
    if value in ENCODING_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ENCODING_VALUES!r}")
