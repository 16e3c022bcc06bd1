"""Installs the rolecall SDK: ``pip install sdk/python`` (offline is fine in a venv made with
``--system-site-packages`` on Debian, which provides grpcio and protobuf).

The gRPC messages and stubs are not checked in: the build step generates them from the
repository's ``proto/`` (or ``$ROLECALL_PROTO_DIR``) into the built package's ``rolecall/v1``, with
protoc and grpc_python_plugin (Debian: protobuf-compiler, protobuf-compiler-grpc) or grpcio-tools.
"""

import importlib.util
import os
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def _codegen():
    spec = importlib.util.spec_from_file_location("rolecall_codegen", HERE / "rolecall" / "_codegen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithStubs(build_py):
    """build_py, then protoc into the build directory's rolecall/v1."""

    def run(self):
        super().run()
        proto_root = Path(os.environ.get("ROLECALL_PROTO_DIR") or HERE.parent.parent / "proto").resolve()
        if not (proto_root / "rolecall" / "v1").is_dir():
            raise SystemExit(f"rolecall: no protos at {proto_root}; set ROLECALL_PROTO_DIR")
        _codegen().generate(proto_root, Path(self.build_lib).resolve())


setup(
    name="rolecall",
    version="0.1.0",
    description="Python SDK of rolecall-server: users, groups, clouds, projects and role grants",
    python_requires=">=3.8",
    packages=find_packages(include=["rolecall", "rolecall.*"]),
    package_data={"rolecall": ["py.typed"]},
    install_requires=[],  # grpcio and protobuf: Debian's python3-grpcio and python3-protobuf
    extras_require={"pypi": ["grpcio>=1.51", "protobuf>=3.20"]},
    cmdclass={"build_py": BuildWithStubs},
    zip_safe=False,
)
