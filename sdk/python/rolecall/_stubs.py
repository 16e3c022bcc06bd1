"""Makes the generated ``rolecall.v1`` modules importable.

- Installed with pip: ``setup.py`` generated them into the package (``rolecall/v1``) at build time.
- From a source tree (``PYTHONPATH=sdk/python``): generated on first import from ``proto/`` (or
  ``$ROLECALL_PROTO_DIR``) into ``$ROLECALL_SDK_CACHE_DIR`` (default
  ``${XDG_CACHE_HOME:-~/.cache}/rolecall-sdk``, else a per-user temporary directory), keyed by a
  hash of the protos, and added to the ``rolecall`` package path.
"""

import os
import tempfile
from pathlib import Path
from types import ModuleType
from typing import List

from . import _codegen

_PACKAGE_DIR = Path(__file__).resolve().parent


def _proto_root() -> Path:
    explicit = os.environ.get("ROLECALL_PROTO_DIR")
    if explicit:
        return Path(explicit).resolve()
    return _PACKAGE_DIR.parents[2] / "proto"  # sdk/python/rolecall -> repository root


def _cache_roots() -> List[Path]:
    explicit = os.environ.get("ROLECALL_SDK_CACHE_DIR")
    if explicit:
        return [Path(explicit)]
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return [Path(xdg) / "rolecall-sdk", Path(tempfile.gettempdir()) / f"rolecall-sdk-{uid}"]


def ensure_generated(package_path: List[str]) -> None:
    """Adds the generated stubs' directory to ``package_path`` (``rolecall.__path__``) when the
    package does not carry them itself."""
    if (_PACKAGE_DIR / "v1" / "users_pb2.py").exists():
        return
    proto_root = _proto_root()
    if not (proto_root / "rolecall" / "v1").is_dir():
        raise ImportError(
            f"rolecall: no generated stubs in the package and no protos at {proto_root}: install with "
            "`pip install sdk/python`, or set ROLECALL_PROTO_DIR to the repository's proto/ directory")
    errors = []
    for root in _cache_roots():
        try:
            generated = _codegen.generate_cached(proto_root, root)
        except OSError as e:  # unwritable cache: try the next one
            errors.append(f"{root}: {e}")
            continue
        entry = str(generated / "rolecall")
        if entry not in package_path:
            package_path.append(entry)
        return
    raise ImportError("rolecall: cannot write generated stubs: " + "; ".join(errors))


class Stubs:
    """The generated modules, loaded once."""

    def __init__(self) -> None:
        from .v1 import (common_pb2, directory_pb2, directory_pb2_grpc, permissions_pb2,
                         permissions_pb2_grpc, users_pb2, users_pb2_grpc)
        self.common_pb2: ModuleType = common_pb2
        self.users_pb2: ModuleType = users_pb2
        self.users_pb2_grpc: ModuleType = users_pb2_grpc
        self.permissions_pb2: ModuleType = permissions_pb2
        self.permissions_pb2_grpc: ModuleType = permissions_pb2_grpc
        self.directory_pb2: ModuleType = directory_pb2
        self.directory_pb2_grpc: ModuleType = directory_pb2_grpc
