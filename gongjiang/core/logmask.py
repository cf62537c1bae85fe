"""A logging filter that masks personal identifiers in every record before any handler writes it.

Anything shaped like a resident ID number (18 characters, 17 digits and a digit or X) or a
mainland mobile number (11 digits from 13… to 19…) standing alone, not inside a longer run of
digits or letters, is masked the way pages mask it (230102********1234, 139****1234), in the
message, its arguments, and the traceback of an exception. settings.LOGGING puts it on every
handler, the web server's access log included.
"""

import logging
import re

_ID = re.compile(r"(?<![0-9A-Za-z])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    return _MOBILE.sub(r"\1****\2", _ID.sub(r"\1********\2", text))


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is, masked
            message = f"{record.msg} {record.args}"
        masked = mask_text(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True
