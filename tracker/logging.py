"""Log records as one JSON object per line, for gunicorn's stderr and a container platform to collect."""

import datetime
import json
import logging

# Attributes every LogRecord has; anything else was passed in `extra` by the caller.
STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One event per line. Of a request only the method, path and user id are written: never its
    headers, cookies, session, query string or body, which may hold passwords and session keys."""

    def format(self, record):
        event = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None:
            event.update(request_fields(request))
        status_code = getattr(record, "status_code", None)
        if isinstance(status_code, int):
            event["status_code"] = status_code
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            event["stack"] = self.formatStack(record.stack_info)
        return json.dumps(event, ensure_ascii=False, default=str)


def request_fields(request):
    fields = {"method": getattr(request, "method", None), "path": getattr(request, "path", None)}
    try:
        # A user the middleware has not loaded yet is loaded here; a broken database must not hide the error.
        user = getattr(request, "user", None)
        fields["user_id"] = user.pk if user is not None and user.is_authenticated else None
    except Exception:  # noqa: BLE001
        fields["user_id"] = None
    return fields
