"""Which studios fit a production problem: jieba segmentation and Okapi BM25, with the reason.

Pure functions over plain data: the caller builds one :class:`Doc` per studio from the rows the user
may see (name, field, occupations, past project titles and outcomes, results) and gets the ranking back,
each match with the terms it shares with the problem and the parts of the studio's record they came from.
Ties are broken by the studio's id, so the order is deterministic.

How rare a term is (its IDF) is measured across the studio population (every studio's text), not across
the few candidates of one alliance: among five candidates a generic word such as 设备 may occur once and
look as telling as 水轮机, while across every studio of the province it is common and weighs little.
IDF is Okapi's, floored as Lucene does so that it never turns negative:
``log(1 + (N - df + 0.5) / (df + 0.5))``.

Words are cut by jieba's search mode with the industries' words (``studios/data/jieba_words.txt``,
loaded by :mod:`gongjiang.core.text`), so that 数控铣削 in a record matches 数控 in a problem; a word
of a trade's group in ``studios/data/related_words.txt`` also counts as the group's term, so that 焊缝
in a problem meets 焊接 in a record.
"""

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gongjiang.core.text import segmenter

K1 = 1.5
B = 0.75
_WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
# Words too common in problem statements and studio records to say anything about fit: what every
# problem wants (提高, 降低, 优化) and what every studio has (工艺, 方法, 操作法), whatever its trade.
STOPWORDS = frozenset(
    {
        "问题",
        "难题",
        "生产",
        "技术",
        "工作",
        "进行",
        "提高",
        "解决",
        "我们",
        "需要",
        "存在",
        "目前",
        "如何",
        "以及",
        "一个",
        "通过",
        "相关",
        "方面",
        "影响",
        "情况",
        "开展",
        "创新",
        "工作室",
        "大型",
        "方案",
        "方法",
        "操作法",
        "工艺",
        "质量",
        "效率",
        "优化",
        "改进",
        "提升",
        "降低",
        "减少",
        "下降",
        "导致",
        "出现",
        "发现",
        "经常",
        "频繁",
        "严重",
        "寻求",
        "轮机",  # search mode's fragment of 水轮机 and 汽轮机, which would make the two look alike
        "周期",
        "周期长",
        "一次",
        "推广",
        "应用",
        "the",
        "and",
        "for",
        "with",
    }
)


RELATED_WORDS = Path(__file__).resolve().parent / "data" / "related_words.txt"


@functools.cache
def related_terms() -> dict[str, str]:
    """word → the term of its trade's group, from ``data/related_words.txt``."""
    found: dict[str, str] = {}
    for line in RELATED_WORDS.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0]
        if ":" not in entry:
            continue
        term, words = entry.split(":", 1)
        for word in words.split():
            if word != term.strip():
                found[word.lower()] = term.strip().lower()
    return found


def tokens(text: str) -> list[str]:
    """Words of two or more characters (or Latin words/numbers of two or more), lower-cased, no stopwords;
    a compound word is followed by the shorter words it contains (jieba's search mode), a word of a
    related group by the group's term."""
    related = related_terms()
    out = []
    for raw in segmenter().lcut_for_search(text or ""):
        word = raw.strip().lower()
        if len(word) < 2 or not _WORD.search(word) or word in STOPWORDS:
            continue
        out.append(word)
        if word in related:
            out.append(related[word])
    return out


@functools.lru_cache(maxsize=1 << 16)
def _part_tokens(text: str) -> tuple[str, ...]:
    """:func:`tokens` of a part of a studio's record, kept per process by its text (the same text always
    cuts the same way): a problem open to every alliance ranks thousands of studios on each view, and
    cutting their records was most of the ranking's time; an edited record is a new text, cut anew."""
    return tuple(tokens(text))


@dataclass(frozen=True)
class Doc:
    key: int
    parts: Sequence[tuple[str, str]]  # (where it came from, text)


@dataclass(frozen=True)
class Match:
    key: int
    score: float
    terms: tuple[tuple[str, tuple[str, ...]], ...]  # (term, sources), best term first


def variants(term: str) -> set[str]:
    """The words that count as ``term``: itself and, for a group's term, the group's words."""
    return {term} | {word for word, head in related_terms().items() if head == term}


def document_frequency(term: str, population: Sequence[str]) -> int:
    """In how many of the ``population``'s texts (lower-cased) ``term`` or one of its variants occurs.

    A substring test, not a segmentation: across thousands of studios it costs microseconds per term,
    and for Chinese it finds what search-mode segmentation would find, compounds included.
    """
    words = variants(term)
    return sum(1 for text in population if any(w in text for w in words))


def idf(size: int, df: int) -> float:
    df = min(df, size)
    return math.log(1 + (size - df + 0.5) / (df + 0.5))


def rank(query: str, docs: Sequence[Doc], limit: int = 5, population: Sequence[str] | None = None) -> list[Match]:
    """The ``limit`` best documents for ``query`` by BM25; documents sharing no term are left out.

    ``population`` holds the text of every studio (lower-cased), in which a term's rarity is measured;
    without it, the candidates ``docs`` themselves are the population.
    """
    q_terms = list(dict.fromkeys(tokens(query)))
    if not q_terms or not docs:
        return []
    seg: list[list[tuple[str, tuple[str, ...]]]] = [[(src, _part_tokens(text)) for src, text in d.parts] for d in docs]
    counts = [Counter(t for _src, ts in parts for t in ts) for parts in seg]
    lengths = [sum(c.values()) for c in counts]
    avg = (sum(lengths) / len(lengths)) or 1.0
    if population is None:
        weight = {t: idf(len(docs), sum(1 for c in counts if t in c)) for t in q_terms}
    else:
        weight = {t: idf(len(population), document_frequency(t, population)) for t in q_terms}
    matches = []
    for doc, parts, c, length in zip(docs, seg, counts, lengths, strict=True):
        per_term = {}
        for t in q_terms:
            tf = c.get(t, 0)
            if tf:
                per_term[t] = weight[t] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg))
        if not per_term:
            continue
        terms = tuple(
            (t, tuple(dict.fromkeys(src for src, ts in parts if t in ts)))
            for t in sorted(per_term, key=lambda t: (-per_term[t], t))
        )
        matches.append(Match(doc.key, round(sum(per_term.values()), 6), terms))
    matches.sort(key=lambda m: (-m.score, m.key))
    return matches[:limit]
