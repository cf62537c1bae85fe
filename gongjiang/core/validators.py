"""Validators for Chinese national identifiers, shared by forms, imports and the API.

Each ``validate_*`` function raises ``django.core.exceptions.ValidationError`` with
a message in the active language, and returns the normalised value.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

# GB 11643: ISO 7064 MOD 11-2 over the first 17 digits.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")


def normalise_digits(value: str | None) -> str:
    """The one normaliser for typed identifiers (身份证号, phone numbers, codes), run before
    validation, hashing and storage by forms, imports and the API alike.

    NFKC folds full-width characters to ASCII (``１９８０`` → ``1980``, ``Ｘ`` → ``X``, the
    ideographic space → a space); the result is trimmed. Any digit that is still not ASCII
    (e.g. Arabic-Indic) is left alone, so the validators' ASCII-only patterns refuse it.
    """
    return unicodedata.normalize("NFKC", value or "").strip()


# Where the two-digit province codes come from: the app that owns the regions (orgs) sets it in
# its AppConfig.ready(), so the kernel knows no region table.
_PROVINCE_SOURCE: list[Callable[[], Iterable[str]]] = []


def set_province_source(source: Callable[[], Iterable[str]]) -> None:
    """Register the function that returns the two-digit code of every province."""
    _PROVINCE_SOURCE[:] = [source]
    province_codes.cache_clear()


@cache
def province_codes() -> frozenset[str]:
    if not _PROVINCE_SOURCE:
        raise ImproperlyConfigured("No installed app gives the province codes (gongjiang.orgs does, when ready).")
    return frozenset(_PROVINCE_SOURCE[0]())


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_id_number(value: str) -> str:
    """Validate a 18-digit 居民身份证号码 and return it upper-cased.

    Checks the shape, the province code, a real birth date not in the future and
    not before 1900, and the check digit. The six-digit region is checked only at
    province level: historic county codes stay valid on real cards.
    """
    number = normalise_digits(value).upper()
    if not _ID_RE.match(number):
        raise ValidationError(_("An ID number has 17 digits followed by a digit or X."), code="id_shape")
    if number[:2] not in province_codes():
        raise ValidationError(
            _("The region code %(code)s is not a Chinese province.") % {"code": number[:6]},
            code="id_region",
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date %(date)s in the ID number is not a real date.") % {"date": number[6:14]},
            code="id_birth",
        ) from None
    if birth.year < 1900 or birth > dt.date.today():  # noqa: DTZ011 (a calendar date, not a time)
        raise ValidationError(
            _("The birth date %(date)s in the ID number is out of range.") % {"date": number[6:14]},
            code="id_birth",
        )
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(_("The check digit of the ID number is wrong."), code="id_check")
    return number


def id_birth_date(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_sex(number: str) -> str:
    """'M' or 'F': the 17th digit is odd for men."""
    return "M" if int(number[16]) % 2 else "F"


def mask_name(name: str) -> str:
    """王铁军 → 王*军, 刘丽 → 刘*: how a name stands on a public page."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_names(text: str, names: Iterable[str]) -> str:
    """``text`` with each of ``names`` masked as :func:`mask_name` masks it, so free text on a
    public page (a citation: 秦世俊同志…) never prints the name the page masks elsewhere
    (秦*俊). A given name of two or more characters is masked too (世俊同志 → *俊同志); a
    one-character given name is left alone, as it is also an ordinary word."""
    replacements: dict[str, str] = {}
    for raw in names:
        name = (raw or "").strip()
        if len(name) < 2:
            continue
        replacements[name] = mask_name(name)
        given = name[1:]
        if len(given) >= 2:
            replacements.setdefault(given, "*" * (len(given) - 1) + given[-1])
    if not replacements or not text:
        return text or ""
    pattern = re.compile("|".join(re.escape(n) for n in sorted(replacements, key=len, reverse=True)))
    return pattern.sub(lambda m: replacements[m.group(0)], text)


def mask_id_number(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


# GB 32100 统一社会信用代码: 18 characters from this alphabet (no I, O, S, V, Z).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    code = normalise_digits(value).upper()
    if not _USCC_RE.match(code):
        raise ValidationError(
            _("A unified social credit code has 18 characters: digits and capital letters except I, O, S, V, Z."),
            code="uscc_shape",
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(_("The check character of the unified social credit code is wrong."), code="uscc_check")
    return code


_PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")


def validate_phone(value: str) -> str:
    """A mainland mobile number: 11 digits starting 13–19. Full-width digits are folded to ASCII;
    spaces and dashes are dropped."""
    phone = re.sub(r"[\s-]", "", normalise_digits(value))
    if phone.startswith("+86"):
        phone = phone[3:]
    if not _PHONE_RE.match(phone):
        raise ValidationError(_("A mobile number has 11 digits and starts with 13–19."), code="phone")
    return phone


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


# What the first bytes of an allowed attachment must be, by its extension (a renamed .exe is refused).
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt
_ZIP = b"PK\x03\x04"  # .docx, .xlsx, .pptx, .odt, .ods
_MAGIC = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "doc": (_OLE,),
    "xls": (_OLE,),
    "ppt": (_OLE,),
    "docx": (_ZIP,),
    "xlsx": (_ZIP,),
    "pptx": (_ZIP,),
    "odt": (_ZIP,),
    "ods": (_ZIP,),
}


def validate_attachment(upload: object) -> None:
    """An attachment is a document or an image of an allowed type (by its name and its first bytes)
    no larger than ``ATTACHMENT_MAX_BYTES``; plain text must be UTF-8 or GB18030 without NUL."""
    from django.conf import settings

    name = str(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = settings.ATTACHMENT_EXTENSIONS
    refusal = _("“%(name)s”: attach a document or an image (%(types)s) of at most %(mb)s MB.") % {
        "name": name[:100],
        "types": ", ".join(allowed),
        "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
    }
    if extension not in allowed or size is None or size > settings.ATTACHMENT_MAX_BYTES or size == 0:
        raise ValidationError(refusal, code="attachment")
    head = upload.read(2048)  # type: ignore[attr-defined]
    upload.seek(0)  # type: ignore[attr-defined]
    ok = (b"\x00" not in head and _decodes(head)) if extension == "txt" else head.startswith(_MAGIC[extension])
    if not ok:
        raise ValidationError(refusal, code="attachment")


def _decodes(head: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut at the end of the sample
                return True
    return False
