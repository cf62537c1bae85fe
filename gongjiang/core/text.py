"""Chinese word segmentation (jieba; its dictionary ships with the package, nothing downloads).

One loader for the whole process: policy search and the studios' matcher both segment with it.
An app teaches it its trade's words by shipping ``data/jieba_words.txt`` (one word a line, optionally
followed by a frequency; ``#`` starts a comment); the loader reads every installed app's file, in
layer order, the way the plug-in surfaces find an app's modules (nothing here lists an app).
"""

import functools
import logging
import re
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps

from .plugins import PROJECT_PREFIX

USER_WORDS = Path("data") / "jieba_words.txt"

_WORD = re.compile(r"[\w\u4e00-\u9fff]+")
_STOP = frozenset(["的", "和", "与", "及", "在", "对", "了", "是", "为", "等", "关于", "有关", "进一步"])


def user_word_files() -> list[Path]:
    """Every installed app's ``data/jieba_words.txt``, in layer order."""
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path) / USER_WORDS
        if config.name.startswith(PROJECT_PREFIX) and path.is_file():
            found.append(path)
    return found


def user_words(path: Path) -> Iterator[tuple[str, int | None]]:
    """The (word, frequency or None) entries of one file; blank lines and comments skipped."""
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        yield fields[0], int(fields[1]) if len(fields) > 1 else None


@functools.cache
def segmenter():  # type: ignore[no-untyped-def]
    """jieba with its dictionary and every app's words loaded once per process, without its start-up
    chatter on stderr. A word without a frequency gets the one that keeps it whole."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for path in user_word_files():
        for word, freq in user_words(path):
            if freq is None:
                jieba.add_word(word)
                jieba.suggest_freq(word, tune=True)  # add_word alone may still lose to a neighbour
            else:
                jieba.add_word(word, freq)
    return jieba


def terms(text: str) -> list[str]:
    """The search terms of a query: jieba's search-mode words, without stop words, in order, once each."""
    words = (w.strip() for w in segmenter().lcut_for_search(text or ""))
    out = [w for w in words if w and _WORD.fullmatch(w) and w not in _STOP]
    return list(dict.fromkeys(out))
