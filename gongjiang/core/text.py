"""Chinese word segmentation (jieba; its dictionary ships with the package, nothing downloads).

One loader for the whole process: policy search and the studios' matcher both segment with it.
"""

import functools
import logging
import re

_WORD = re.compile(r"[\w\u4e00-\u9fff]+")
_STOP = frozenset(["的", "和", "与", "及", "在", "对", "了", "是", "为", "等", "关于", "有关", "进一步"])


@functools.cache
def segmenter():  # type: ignore[no-untyped-def]
    """jieba with its dictionary loaded once per process, without its start-up chatter on stderr."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def terms(text: str) -> list[str]:
    """The search terms of a query: jieba's search-mode words, without stop words, in order, once each."""
    words = (w.strip() for w in segmenter().lcut_for_search(text or ""))
    out = [w for w in words if w and _WORD.fullmatch(w) and w not in _STOP]
    return list(dict.fromkeys(out))
