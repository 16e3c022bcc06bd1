"""ResultIterator: lazy iteration over a server-streamed, paged list."""

from typing import Any, Callable, Generic, Iterable, Iterator, Optional, TypeVar

import grpc

T = TypeVar("T")


class ResultIterator(Generic[T]):
    """A lazy iterator over a server-streamed list. The call starts at the first ``next()``;
    pages are read from the stream one at a time, only when the items of the previous page are
    used up; the call is cancelled once ``max_items`` items were yielded, when the last page
    (empty ``next_page_token``) is done, or on ``close()`` (also when the iterator is garbage
    collected or used as a context manager)."""

    def __init__(self, client: Any, start: Callable[[], Any], items: Callable[[Any], Iterable[T]],
                 max_items: Optional[int]) -> None:
        self._client = client
        self._start = start
        self._items = items
        self._max_items = max_items or 0
        self._call: Any = None
        self._buffer: Iterator[T] = iter(())
        self._done = False
        self.yielded: int = 0
        #: Pages (stream messages) received so far.
        self.pages_received: int = 0
        #: The token of the page after the last one received ("" after the last page): pass it as
        #: ``page_token`` to resume later.
        self.next_page_token: Optional[str] = None

    def __iter__(self) -> "ResultIterator[T]":
        return self

    def __next__(self) -> T:
        while True:
            if self._done:
                raise StopIteration
            item = next(self._buffer, _END)
            if item is not _END:
                self.yielded += 1
                if self._max_items and self.yielded >= self._max_items:
                    self.close()  # the last item wanted: end the call now, not at the next next()
                return item  # type: ignore[return-value]
            if self.next_page_token == "":  # the last page is used up
                self.close()
                raise StopIteration
            self._read_page()

    def _read_page(self) -> None:
        try:
            if self._call is None:
                self._call = self._start()
            page = next(self._call)
        except StopIteration:
            self.close()
            self.next_page_token = ""
            return
        except grpc.RpcError as e:
            self.close()
            raise self._client._error(e) from None
        self.pages_received += 1
        self.next_page_token = getattr(page, "next_page_token", "")
        self._buffer = iter(self._items(page))

    def close(self) -> None:
        """Stops reading: cancels the call if it is still open."""
        self._done = True
        if self._call is not None:
            self._call.cancel()

    def __enter__(self) -> "ResultIterator[T]":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


_END = object()
