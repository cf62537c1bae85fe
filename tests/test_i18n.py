"""The message catalogues: zh-Hans complete and well-formed, both valid, and in step with the source.

No database. The freshness check runs ``makemessages`` on a copy of the sources in a
temporary directory (the repository is never written to) and compares msgid sets.
"""

import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LOCALE = REPO / "gongjiang" / "locale"
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
# What makemessages scans for the "django" domain (its default extensions).
SOURCE_SUFFIXES = {".py", ".html", ".txt"}

# --- a small .po reader -------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), f"not a quoted string: {text!r}"
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # singular msgstr is index 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid or "")

    def label(self) -> str:
        ctx = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {ctx}{self.msgid!r}"


def _read_line(entry: Entry, line: str, target: tuple[str, int] | None) -> tuple[str, int] | None:
    """Apply one non-comment line to ``entry``; return where a continuation line would go."""
    if line.startswith("msgctxt "):
        entry.msgctxt = _unquote(line[8:])
        return ("msgctxt", 0)
    if line.startswith("msgid_plural "):
        entry.msgid_plural = _unquote(line[13:])
        return ("msgid_plural", 0)
    if line.startswith("msgid "):
        entry.msgid = _unquote(line[6:])
        return ("msgid", 0)
    if match := re.match(r"msgstr(?:\[(\d+)\])?\s+(\".*\")$", line):
        index = int(match.group(1) or 0)
        entry.msgstr[index] = _unquote(match.group(2))
        return ("msgstr", index)
    if line.startswith('"') and target is not None:
        kind, index = target
        if kind == "msgstr":
            entry.msgstr[index] += _unquote(line)
        else:
            setattr(entry, kind, getattr(entry, kind) + _unquote(line))
        return target
    raise ValueError(line)


def parse_po(path: Path) -> tuple[Entry, list[Entry]]:
    """Return the header entry and the other (non-obsolete) entries of a .po file."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        if line.startswith("#~"):  # obsolete entry: not part of the catalogue
            continue
        if entry is None:
            entry = Entry(line=lineno)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif not line.startswith("#"):
            try:
                target = _read_line(entry, line, target)
            except (ValueError, KeyError, AssertionError):
                raise AssertionError(f"{path}:{lineno}: cannot parse {raw!r}") from None
    entries = [e for e in entries if e.msgid is not None or e.msgstr]
    for e in entries:
        assert e.msgid is not None, f"{path}:{e.line}: entry without msgid"
    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(headers) == 1, f"{path}: expected one header entry, found {len(headers)}"
    return headers[0], [e for e in entries if e is not headers[0]]


# --- placeholders ---------------------------------------------------------------

_FORMAT = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<conv>[diouxXeEfFgGcrsa%])")


def placeholders(text: str) -> tuple[set[str], int]:
    """Named placeholders, and the number of positional ones (``%s``, ``%d``…); ``%%`` is not one."""
    named: set[str] = set()
    positional = 0
    for match in _FORMAT.finditer(text):
        if match.group("conv") == "%":
            continue
        if match.group("name") is not None:
            named.add(match.group("name"))
        else:
            positional += 1
    return named, positional


# --- tests ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zh_catalogue() -> tuple[Entry, list[Entry]]:
    return parse_po(ZH_PO)


def test_zh_header(zh_catalogue):
    header, _entries = zh_catalogue
    text = header.msgstr[0]
    assert "fuzzy" not in header.flags, "the zh_Hans header is still marked fuzzy"
    assert "Language: zh_Hans\n" in text
    assert "Plural-Forms: nplurals=1; plural=0;\n" in text
    assert "charset=UTF-8" in text


# English words that carry several meanings on these screens (称号 / 标题 / 名称; 开启评选 / 待处理;
# 已申报 / 报名时间; 在册 / 在聘; a course's 单元 / an employer's 单位 / a figure's 计量单位): every use names
# its meaning with pgettext, none stands bare.
AMBIGUOUS = {"Title", "title", "Open", "Applied", "applied", "Active", "Unit", "unit", "units"}
# A msgid used both with a context and bare: the bare use must be the word's ordinary meaning,
# written down here, so a msgid reused for a new meaning without pgettext cannot land unseen.
BARE_MEANING = {
    "Name": "名称",
    "name": "名称",
    "Proposed": "已提出",
    "Rejected": "未通过",
    "Approved": "已批准",
    "City": "市级",
    "Created": "创建时间",
    "field": "字段",
    "Worker": "职工",
    "Reject": "不予采纳",
    "Row": "行号",  # a row of an imported file; the rows behind a statistics figure have their own context
    "rows": "行数",
    "Withdraw": "退赛",  # an entry leaves a competition; an authorisation is withdrawn in its own context
    # labour competitions give these their own context ("labour": 企业, 备注, 得分, 班组)
    "Enterprise": "企业级",
    "Note": "意见",
    "note": "备注",
    "Score": "评分",
    "score": "分数",
    "team": "队伍",
    # the catalogue's 立项 steps and 年终表彰 subjects have their own contexts; these are the ordinary uses
    "Approve": "审批",
    "Draft": "草稿",
    "Submit": "提交",
    "Submitted": "已提交",
    "Team": "团体赛",
}


def test_one_msgid_one_meaning(zh_catalogue):
    _header, entries = zh_catalogue
    bare = {e.msgid: e.msgstr.get(0, "") for e in entries if e.msgctxt is None}
    contexts: dict[str, set[str]] = {}
    for e in entries:
        if e.msgctxt is not None:
            contexts.setdefault(e.msgid or "", set()).add(f"[{e.msgctxt}] {e.msgstr.get(0, '')}")
    problems = [f"{msgid!r} ({bare[msgid]}) is ambiguous: use pgettext" for msgid in sorted(AMBIGUOUS & bare.keys())]
    problems += [
        f"{msgid!r} is used with contexts {sorted(contexts[msgid])} and bare as {bare[msgid]!r}: "
        "give the bare use a context too (or record its ordinary meaning in BARE_MEANING)"
        for msgid in sorted(contexts.keys() & bare.keys())
        if BARE_MEANING.get(msgid) != bare[msgid]
    ]
    assert not problems, "\n".join(problems)


def test_zh_every_entry_translated(zh_catalogue):
    _header, entries = zh_catalogue
    assert entries, "the zh_Hans catalogue is empty"
    untranslated = [e.label() for e in entries if not e.msgstr.get(0, "").strip()]
    assert not untranslated, "untranslated zh_Hans entries:\n" + "\n".join(untranslated)


def test_zh_no_fuzzy_entries(zh_catalogue):
    _header, entries = zh_catalogue
    fuzzy = [e.label() for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy zh_Hans entries (check the translation, then drop the flag):\n" + "\n".join(fuzzy)


def test_zh_placeholders_match(zh_catalogue):
    _header, entries = zh_catalogue
    problems = []
    for e in entries:
        sources = [e.msgid or ""] + ([e.msgid_plural] if e.msgid_plural is not None else [])
        want_named: set[str] = set()
        want_positional = set()
        for source in sources:
            named, positional = placeholders(source)
            want_named |= named
            want_positional.add(positional)
        for index, translation in sorted(e.msgstr.items()):
            if not translation:
                continue
            named, positional = placeholders(translation)
            if named != want_named:
                problems.append(f"{e.label()} msgstr[{index}]: {sorted(named)} != {sorted(want_named)}")
            if positional not in want_positional:
                problems.append(
                    f"{e.label()} msgstr[{index}]: {positional} positional placeholders, not {want_positional}"
                )
    assert not problems, "placeholder mismatches:\n" + "\n".join(problems)


# ASCII punctuation touching a Chinese character, or "..." for an ellipsis.
_HALF_WIDTH = re.compile(r"[\u4e00-\u9fff][,;:?!()]|[,;:?!()][\u4e00-\u9fff]|[\u4e00-\u9fff]\.$|\.\.\.")


def test_zh_uses_full_width_punctuation(zh_catalogue):
    _header, entries = zh_catalogue
    bad = [f"{e.label()}: {text!r}" for e in entries for text in e.msgstr.values() if _HALF_WIDTH.search(text)]
    assert not bad, "use full-width punctuation (，；：？！（）。……) in Chinese text:\n" + "\n".join(bad)


@pytest.mark.parametrize("po", [ZH_PO, EN_PO], ids=["zh_Hans", "en"])
def test_msgfmt_check_format(po):
    if shutil.which("msgfmt") is None:
        pytest.fail("msgfmt is not installed (apt-get install gettext)")
    assert po.exists(), f"missing catalogue {po}"
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--check-format", "--check-header", "-o", os.devnull, str(po)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"msgfmt rejects {po}:\n{result.stderr}"


def test_en_header():
    header, _entries = parse_po(EN_PO)
    assert "Language: en\n" in header.msgstr[0]
    assert "fuzzy" not in header.flags


_MAKEMESSAGES = textwrap.dedent(
    """
    import os, sys
    repo, workdir = sys.argv[1], sys.argv[2]
    sys.path.insert(0, repo)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongjiang.settings"
    import django
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    # Write only into the copy: its own locale directory, found from its own working directory.
    settings.LOCALE_PATHS = [os.path.join(workdir, "gongjiang", "locale")]
    os.chdir(workdir)
    call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, verbosity=0)
    """
)


def _copy_sources(dest: Path) -> None:
    shutil.copy2(REPO / "manage.py", dest / "manage.py")
    src_root = REPO / "gongjiang"
    for path in src_root.rglob("*"):
        rel = path.relative_to(src_root)
        if not path.is_file() or path.suffix not in SOURCE_SUFFIXES:
            continue
        if rel.parts[0] in {"locale", "static"} or "__pycache__" in rel.parts:
            continue
        target = dest / "gongjiang" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    (dest / "gongjiang" / "locale").mkdir()


def test_zh_catalogue_is_up_to_date(tmp_path, zh_catalogue):
    """Every msgid in the sources is in the committed catalogue, and nothing else is."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is not installed (apt-get install gettext)")
    workdir = tmp_path / "src"
    workdir.mkdir()
    _copy_sources(workdir)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", _MAKEMESSAGES, str(REPO), str(workdir)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    _fresh_header, fresh = parse_po(workdir / "gongjiang" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")

    _header, committed = zh_catalogue
    fresh_keys = {e.key: e for e in fresh}
    committed_keys = {e.key: e for e in committed}

    def show(key: tuple[str | None, str]) -> str:
        ctx, msgid = key
        return f"  {'[' + ctx + '] ' if ctx is not None else ''}{msgid!r}"

    missing = sorted(fresh_keys.keys() - committed_keys.keys(), key=lambda k: (k[1], k[0] or ""))
    stale = sorted(committed_keys.keys() - fresh_keys.keys(), key=lambda k: (k[1], k[0] or ""))
    plural_changed = sorted(
        (
            k
            for k in fresh_keys.keys() & committed_keys.keys()
            if fresh_keys[k].msgid_plural != committed_keys[k].msgid_plural
        ),
        key=lambda k: (k[1], k[0] or ""),
    )
    message = []
    if missing:
        message.append("msgids in the source but not in the zh_Hans catalogue:\n" + "\n".join(map(show, missing)))
    if stale:
        message.append("msgids in the zh_Hans catalogue no longer in the source:\n" + "\n".join(map(show, stale)))
    if plural_changed:
        message.append("msgid_plural changed:\n" + "\n".join(map(show, plural_changed)))
    if message:
        message.append("Run `make messages`, translate, then compilemessages.")
    assert not message, "\n\n".join(message)
