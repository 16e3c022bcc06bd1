"""Generates the Python messages and gRPC stubs of proto/rolecall/v1 (package ``rolecall.v1``).

Standalone on purpose (standard library only): ``setup.py`` loads this file by path at build time,
and the SDK runs it on first import from a source tree (see ``_stubs.py``). Nothing generated is
checked in.

Tools, first found wins: ``$ROLECALL_PROTOC`` / ``protoc`` on PATH with ``$ROLECALL_GRPC_PYTHON_PLUGIN``
/ ``grpc_python_plugin`` on PATH (Debian: protobuf-compiler, protobuf-compiler-grpc), else the
``grpc_tools`` Python package.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

# Directories holding google/protobuf/*.proto for protoc (Debian: libprotobuf-dev).
_WELL_KNOWN_INCLUDES = ("/usr/include", "/usr/local/include")


def proto_files(proto_root: Path) -> List[str]:
    """The rolecall.v1 protos, relative to ``proto_root``, sorted."""
    return sorted(p.relative_to(proto_root).as_posix() for p in (proto_root / "rolecall" / "v1").glob("*.proto"))


def fingerprint(proto_root: Path) -> str:
    """A short hash of the protos and of this generator: the cache key of generated stubs."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for rel in proto_files(proto_root):
        digest.update(rel.encode() + b"\0" + (proto_root / rel).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _command(proto_root: Path, out: Path, files: List[str]) -> List[str]:
    protoc = os.environ.get("ROLECALL_PROTOC") or shutil.which("protoc")
    plugin = os.environ.get("ROLECALL_GRPC_PYTHON_PLUGIN") or shutil.which("grpc_python_plugin")
    includes = [f"-I{proto_root}"] + [f"-I{d}" for d in _WELL_KNOWN_INCLUDES
                                      if (Path(d) / "google/protobuf/timestamp.proto").exists()]
    if protoc and plugin:
        return [protoc, *includes, f"--python_out={out}", f"--grpc_out={out}",
                f"--plugin=protoc-gen-grpc={plugin}", *files]
    try:
        import grpc_tools  # type: ignore[import-not-found]
    except ImportError:
        raise RuntimeError(
            "rolecall: cannot generate the gRPC stubs: need protoc and grpc_python_plugin on PATH "
            "(Debian: apt-get install protobuf-compiler protobuf-compiler-grpc) or the grpcio-tools "
            "package") from None
    bundled = Path(grpc_tools.__file__).parent / "_proto"
    return [sys.executable, "-m", "grpc_tools.protoc", f"-I{proto_root}", f"-I{bundled}",
            f"--python_out={out}", f"--grpc_python_out={out}", *files]


def generate(proto_root: Path, out: Path) -> None:
    """Writes ``out/rolecall/v1/{common,users,permissions,directory}_pb2{,_grpc}.py`` and
    ``out/rolecall/v1/__init__.py``."""
    files = proto_files(proto_root)
    if not files:
        raise RuntimeError(f"rolecall: no protos under {proto_root / 'rolecall/v1'}")
    out.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(_command(proto_root, out, files), cwd=proto_root,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"rolecall: protoc failed: {result.stderr.strip()}")
    (out / "rolecall" / "v1" / "__init__.py").write_text('"""Generated from proto/rolecall/v1."""\n')


def generate_cached(proto_root: Path, cache_root: Path) -> Path:
    """Generates into ``cache_root/<fingerprint>`` unless it is already there (atomically: a
    concurrent generator's result is kept) and returns that directory."""
    target = cache_root / fingerprint(proto_root)
    if (target / "rolecall" / "v1" / "__init__.py").exists():
        return target
    cache_root.mkdir(parents=True, exist_ok=True)
    staging = cache_root / f".tmp-{os.getpid()}-{target.name}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        generate(proto_root, staging)
        try:
            os.rename(staging, target)
        except OSError:
            if not (target / "rolecall" / "v1" / "__init__.py").exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def main(argv: Optional[List[str]] = None) -> int:
    """``python _codegen.py PROTO_ROOT OUT_DIR``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: _codegen.py PROTO_ROOT OUT_DIR", file=sys.stderr)
        return 2
    generate(Path(args[0]).resolve(), Path(args[1]).resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
