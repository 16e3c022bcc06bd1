"""Shared helpers of the models: validation and datetime conversion."""

from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Optional, Tuple, Type, Union

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def check_type(model: str, field: str, value: Any, types: Union[Type[Any], Tuple[Type[Any], ...]],
               optional: bool = False) -> None:
    """TypeError unless ``value`` is one of ``types`` (or None when optional)."""
    if value is None and optional:
        return
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise TypeError(f"{model}.{field} must be {_names(types)}, not bool")
    if not isinstance(value, types):
        allowed = _names(types) + (" or None" if optional else "")
        raise TypeError(f"{model}.{field} must be {allowed}, not {type(value).__name__}")


def _names(types: Union[Type[Any], Tuple[Type[Any], ...]]) -> str:
    return " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))


def from_timestamp(ts: Any) -> datetime:
    """A google.protobuf.Timestamp as a timezone-aware UTC datetime (microsecond precision)."""
    return _EPOCH + timedelta(seconds=ts.seconds, microseconds=ts.nanos // 1000)


def iso(value: datetime) -> str:
    """``2024-01-01T12:00:00+00:00`` (the CLI's JSON form): UTC, microseconds only when set."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat()


def compact(pairs: Dict[str, Any]) -> Dict[str, Any]:
    """``pairs`` without the None values (the CLI's JSON omits absent fields)."""
    return {k: v for k, v in pairs.items() if v is not None}


def optional_field(message: Any, name: str) -> Optional[Any]:
    """A proto3 ``optional`` field's value, or None when unset."""
    return getattr(message, name) if message.HasField(name) else None
