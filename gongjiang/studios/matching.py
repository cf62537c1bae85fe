"""Which studios fit a production problem: jieba segmentation and Okapi BM25, with the reason.

Pure functions over plain data: the caller builds one :class:`Doc` per studio from the rows the user
may see (field, occupations, past project titles and outcomes, results) and gets the ranking back, each
match with the terms it shares with the problem and the parts of the studio's record they came from.
Ties are broken by the studio's id, so the order is deterministic.
"""

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from gongjiang.core.text import segmenter

K1 = 1.5
B = 0.75
_WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
# Words too common in problem statements to say anything about fit.
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
        "the",
        "and",
        "for",
        "with",
    }
)


def tokens(text: str) -> list[str]:
    """Words of two or more characters (or Latin words/numbers of two or more), lower-cased, no stopwords."""
    out = []
    for raw in segmenter().lcut(text or ""):
        word = raw.strip().lower()
        if len(word) < 2 or not _WORD.search(word) or word in STOPWORDS:
            continue
        out.append(word)
    return out


@dataclass(frozen=True)
class Doc:
    key: int
    parts: Sequence[tuple[str, str]]  # (where it came from, text)


@dataclass(frozen=True)
class Match:
    key: int
    score: float
    terms: tuple[tuple[str, tuple[str, ...]], ...]  # (term, sources), best term first


def rank(query: str, docs: Sequence[Doc], limit: int = 5) -> list[Match]:
    """The ``limit`` best documents for ``query`` by BM25; documents sharing no term are left out."""
    q_terms = list(dict.fromkeys(tokens(query)))
    if not q_terms or not docs:
        return []
    seg: list[list[tuple[str, list[str]]]] = [[(src, tokens(text)) for src, text in d.parts] for d in docs]
    counts = [Counter(t for _src, ts in parts for t in ts) for parts in seg]
    lengths = [sum(c.values()) for c in counts]
    avg = (sum(lengths) / len(lengths)) or 1.0
    n = len(docs)
    df = {t: sum(1 for c in counts if t in c) for t in q_terms}
    idf = {t: math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in q_terms}
    matches = []
    for doc, parts, c, length in zip(docs, seg, counts, lengths, strict=True):
        per_term = {}
        for t in q_terms:
            tf = c.get(t, 0)
            if tf:
                per_term[t] = idf[t] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg))
        if not per_term:
            continue
        terms = tuple(
            (t, tuple(dict.fromkeys(src for src, ts in parts if t in ts)))
            for t in sorted(per_term, key=lambda t: (-per_term[t], t))
        )
        matches.append(Match(doc.key, round(sum(per_term.values()), 6), terms))
    matches.sort(key=lambda m: (-m.score, m.key))
    return matches[:limit]
