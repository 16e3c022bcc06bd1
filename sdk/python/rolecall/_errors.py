"""RolecallError: the one exception the SDK raises for failed calls."""

from typing import Any, List, Optional, Sequence, Tuple

import grpc
from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, message_factory

_DETAILS_KEY = "grpc-status-details-bin"
_BAD_REQUEST = "google.rpc.BadRequest"


def _rpc_classes() -> Tuple[Any, Any]:
    """google.rpc.Status and google.rpc.BadRequest, declared in a private descriptor pool (so no
    generated googleapis code is needed and nothing clashes with an installed copy of it)."""
    pool = descriptor_pool.DescriptorPool()
    any_file = descriptor_pb2.FileDescriptorProto()
    any_pb2.DESCRIPTOR.CopyToProto(any_file)
    pool.Add(any_file)
    f = descriptor_pb2.FileDescriptorProto(name="rolecall/sdk/google_rpc_subset.proto",
                                           package="google.rpc", syntax="proto3",
                                           dependency=[any_file.name])
    T = descriptor_pb2.FieldDescriptorProto
    status = f.message_type.add(name="Status")
    status.field.add(name="code", number=1, type=T.TYPE_INT32, label=T.LABEL_OPTIONAL)
    status.field.add(name="message", number=2, type=T.TYPE_STRING, label=T.LABEL_OPTIONAL)
    status.field.add(name="details", number=3, type=T.TYPE_MESSAGE, label=T.LABEL_REPEATED,
                     type_name=".google.protobuf.Any")
    bad = f.message_type.add(name="BadRequest")
    violation = bad.nested_type.add(name="FieldViolation")
    violation.field.add(name="field", number=1, type=T.TYPE_STRING, label=T.LABEL_OPTIONAL)
    violation.field.add(name="description", number=2, type=T.TYPE_STRING, label=T.LABEL_OPTIONAL)
    bad.field.add(name="field_violations", number=1, type=T.TYPE_MESSAGE, label=T.LABEL_REPEATED,
                  type_name=".google.rpc.BadRequest.FieldViolation")
    pool.Add(f)

    def cls(name: str) -> Any:
        descriptor = pool.FindMessageTypeByName(name)
        if hasattr(message_factory, "GetMessageClass"):
            return message_factory.GetMessageClass(descriptor)
        return message_factory.MessageFactory(pool).GetPrototype(descriptor)

    return cls("google.rpc.Status"), cls(_BAD_REQUEST)


_Status, _BadRequest = _rpc_classes()


def decode_field_violations(trailers: Optional[Sequence[Tuple[str, Any]]]) -> List[Tuple[str, str]]:
    """The google.rpc.BadRequest field violations in a call's trailing metadata."""
    violations: List[Tuple[str, str]] = []
    for key, value in trailers or ():
        if key != _DETAILS_KEY or not isinstance(value, (bytes, bytearray)):
            continue
        try:
            status = _Status.FromString(bytes(value))
            for detail in status.details:
                if detail.type_url.rsplit("/", 1)[-1] == _BAD_REQUEST:
                    bad = _BadRequest.FromString(detail.value)
                    violations.extend((v.field, v.description) for v in bad.field_violations)
        except Exception:  # malformed details: the code and message still tell the story
            continue
    return violations


class RolecallError(Exception):
    """A failed rolecall call.

    Attributes:
        code: the gRPC status code's name, e.g. ``"INVALID_ARGUMENT"``, ``"NOT_FOUND"``,
            ``"UNAUTHENTICATED"``, ``"UNAVAILABLE"``.
        message: the server's (or the SDK's) one-line reason.
        field_violations: ``(field, description)`` pairs from google.rpc.BadRequest, e.g.
            ``("create_users[0].email", "...")``; empty when the error names no fields.
    """

    def __init__(self, code: str, message: str,
                 field_violations: Optional[List[Tuple[str, str]]] = None) -> None:
        self.code: str = code
        self.message: str = message
        self.field_violations: List[Tuple[str, str]] = list(field_violations or [])
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.code}: {self.message}"
        if self.field_violations:
            text += "".join(f"\n  {field}: {description}" for field, description in self.field_violations)
        return text

    def __repr__(self) -> str:
        return (f"RolecallError(code={self.code!r}, message={self.message!r}, "
                f"field_violations={self.field_violations!r})")

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError, server: str = "") -> "RolecallError":
        """Converts a grpc.RpcError (a failed call) into a RolecallError."""
        code_fn = getattr(error, "code", None)
        code = code_fn() if callable(code_fn) else grpc.StatusCode.UNKNOWN
        code = code if isinstance(code, grpc.StatusCode) else grpc.StatusCode.UNKNOWN
        details_fn = getattr(error, "details", None)
        message = (details_fn() if callable(details_fn) else None) or ""
        trailers_fn = getattr(error, "trailing_metadata", None)
        trailers = trailers_fn() if callable(trailers_fn) else None
        if code == grpc.StatusCode.UNAVAILABLE and server:
            message = f"cannot reach rolecall at {server}: {message}"
        return cls(code.name, message, decode_field_violations(trailers))
