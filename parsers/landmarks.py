"""The landmarks of a letter's page that readers and field parsers both look
for: the delegation prefixes of the signature block (`KT.`, `TM.`, `TL.`,
`TUQ.`, `Q.`) and the `Nơi nhận` label, in the spellings clean text and OCR
give them. Flow: file -> reader (layout, web pages, the second reading of a
scanned signature block) and field parsers (signer, confidence, distribution
list) -> **these patterns**, so a page's landmarks are recognised the same
way at every stage.
"""
from __future__ import annotations

import regex

# Delegation prefixes: KT. (deputy), TM. (for a collective), TL. (by order),
# TUQ. (by authorisation), Q. (acting).
DELEGATION_PREFIXES = ("KT", "TM", "TL", "TUQ", "Q")
_PREFIX = "(?:" + "|".join(DELEGATION_PREFIXES) + ")"

# A delegation line as clean text prints it: `KT. GIÁM ĐỐC`, `TM. ỦY BAN NHÂN DÂN`.
DELEGATION_LINE = regex.compile(rf"^{_PREFIX}\s*[./]\s*\p{{Lu}}")
# As OCR reads it: a few stray marks before it, `,` for `.` (`"KT, CỤC TRƯỞNG`).
DELEGATION_LINE_OCR = regex.compile(rf"^\W{{0,3}}{_PREFIX}\s*[./,]\s*\p{{Lu}}")
# Only the prefix, in any case, for telling a signature column from the text
# beside it while lines are still being laid out (`Tm.` in a small-caps font).
DELEGATION_START = regex.compile(rf"^\W{{0,2}}{_PREFIX}\s*[./]", regex.IGNORECASE)
# A prefix and its full stop, to cut it off an office (`KT. Cục trưởng` -> `Cục trưởng`).
DELEGATION_PREFIX = regex.compile(rf"^{_PREFIX}\.\s*")

# `Nơi nhận` as OCR reads it: `Nơi nhận`, `Noi nhan`, `Nới nhân`, with marks before it.
NOI_NHAN_OCR = regex.compile(r"^\W{0,2}N[oơóòờớ][iíì]\s*nh[aậâạấ]n", regex.IGNORECASE)
