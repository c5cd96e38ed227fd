"""Vietnamese đồng: amounts as people write them ("3.000.000 ₫") and read them ("Ba triệu đồng").

Amounts are whole đồng (integers). Reading follows the usual conventions of payment
vouchers and signing lists:

- groups of three digits: nghìn, triệu, tỷ, then nghìn tỷ, triệu tỷ, tỷ tỷ;
- "mười" for ten, "mươi" for twenty and above; "mốt" for a final 1 after "mươi",
  "lăm" for a final 5 after "mười"/"mươi", "linh" for a zero tens digit;
- a group after the first one is read in full, with "không trăm": 1.005.000 is
  "Một triệu không trăm linh năm nghìn đồng"; groups that are all zeros are skipped;
- the first letter is a capital and the text ends with "đồng".
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
GROUP_NAMES = ["", "nghìn", "triệu"]
BILLION = 10**9


def format_vnd(amount: int | Decimal | None, symbol: bool = True) -> str:
    """3000000 → "3.000.000 ₫" (dot thousands separator, the đồng sign after a space)."""
    if amount is None:
        return ""
    value = int(amount)
    text = f"{abs(value):,}".replace(",", ".")
    if value < 0:
        text = f"-{text}"
    return f"{text} ₫" if symbol else text


def _read_group(number: int, full: bool) -> list[str]:
    """Words of 0 < number < 1000; `full` reads the hundreds even when they are zero."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append("linh")
            words.append(DIGITS[units])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1:
        words.append("mốt" if tens > 1 else "một")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _read_below_billion(number: int, leading: bool) -> list[str]:
    """Words of 0 <= number < 10^9. `leading`: nothing is read before it."""
    groups = [number // 1_000_000, (number // 1000) % 1000, number % 1000]
    words: list[str] = []
    for index, group in enumerate(groups):
        if group == 0:
            continue
        full = bool(words) or not leading
        words += _read_group(group, full)
        name = GROUP_NAMES[2 - index]
        if name:
            words.append(name)
    return words


def _read(number: int, leading: bool = True) -> list[str]:
    if number < BILLION:
        return _read_below_billion(number, leading)
    billions, rest = divmod(number, BILLION)
    words = _read(billions, leading) + ["tỷ"]
    if rest:
        words += _read_below_billion(rest, leading=False)
    return words


def amount_in_words(amount: int | Decimal) -> str:
    """1005000 → "Một triệu không trăm linh năm nghìn đồng"; 0 → "Không đồng"."""
    value = int(amount)
    if value != amount:
        raise ValueError("Số tiền phải là số đồng nguyên.")
    words = ["âm"] if value < 0 else []
    value = abs(value)
    words += _read(value) if value else ["không"]
    text = " ".join(words + ["đồng"])
    return text[:1].upper() + text[1:]
