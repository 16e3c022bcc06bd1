"""``rolecall.cloud``, on the default client."""

from typing import Any, Optional

from .._paging import ResultIterator
from ..directory.models import Cloud

__all__ = ["create", "get", "list", "delete"]


def _api() -> Any:
    from .._client import default_client
    return default_client().cloud


def create(name: str) -> Cloud:
    return _api().create(name)  # type: ignore[no-any-return]


def get(cloud_id: Optional[str] = None, *, name: Optional[str] = None) -> Cloud:
    return _api().get(cloud_id, name=name)  # type: ignore[no-any-return]


def list(name: Optional[str] = None, max_items: Optional[int] = None,  # noqa: A001
         page_size: Optional[int] = None) -> ResultIterator[Cloud]:
    """A lazy ResultIterator of Cloud."""
    return _api().list(  # type: ignore[no-any-return]
        name=name, max_items=max_items, page_size=page_size)


def delete(cloud_id: str) -> None:
    """Deletes the cloud, its projects and every grant on them."""
    _api().delete(cloud_id)
