"""Pinyin helpers so officials can find 通许县恒达机械 by typing "txxhd" (EN-1 search)."""

from pypinyin import Style, lazy_pinyin, load_phrases_dict

# pypinyin reads some Henan place names wrong; phrase entries fix them.
load_phrases_dict(
    {
        "长垣": [["cháng"], ["yuán"]],
        "浚县": [["xùn"], ["xiàn"]],
        "通许": [["tōng"], ["xǔ"]],
        "尉氏": [["yù"], ["shì"]],
        "中牟": [["zhōng"], ["mù"]],
        "洛阳": [["luò"], ["yáng"]],
        "柘城": [["zhè"], ["chéng"]],
        "沁阳": [["qìn"], ["yáng"]],
        "武陟": [["wǔ"], ["zhì"]],
        "荥阳": [["xíng"], ["yáng"]],
        "郏县": [["jiá"], ["xiàn"]],
        "渑池": [["miǎn"], ["chí"]],
        "淅川": [["xī"], ["chuān"]],
    }
)


def name_initials(name: str) -> str:
    return "".join(part[:1] for part in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()


def name_pinyin(name: str) -> str:
    return "".join(lazy_pinyin(name, errors="ignore")).lower()
