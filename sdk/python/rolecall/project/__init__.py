"""``rolecall.project``, on the default client."""

from typing import Any, Optional

from .._paging import ResultIterator
from ..directory.models import Project

__all__ = ["create", "get", "list", "delete"]


def _api() -> Any:
    from .._client import default_client
    return default_client().project


def create(cloud_id: str, name: str) -> Project:
    return _api().create(cloud_id, name)  # type: ignore[no-any-return]


def get(project_id: str) -> Project:
    return _api().get(project_id)  # type: ignore[no-any-return]


def list(cloud_id: Optional[str] = None, name: Optional[str] = None,  # noqa: A001
         max_items: Optional[int] = None, page_size: Optional[int] = None) -> ResultIterator[Project]:
    """A lazy ResultIterator of Project."""
    return _api().list(  # type: ignore[no-any-return]
        cloud_id=cloud_id, name=name, max_items=max_items, page_size=page_size)


def delete(project_id: str) -> None:
    """Deletes the project and every grant on it."""
    _api().delete(project_id)
