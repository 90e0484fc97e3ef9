"""Fixtures for the LayersHTTP conformance tests: a running `layers-http-demo` on an ephemeral port.

The binary is taken from $LAYERS_HTTP_DEMO when set, else from $LAYERS_BIN_DIR (what scripts/test.sh exports,
`swift build --show-bin-path`) when it holds one, else built with `swift build --product layers-http-demo`
(using $SWIFT_SCRATCH_PATH when set) from the repository root.
"""
import os
import pathlib
import resource
import signal
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]


def demo_binary() -> str:
    explicit = os.environ.get("LAYERS_HTTP_DEMO")
    if explicit:
        return explicit
    bin_dir = os.environ.get("LAYERS_BIN_DIR")
    if bin_dir and os.access(os.path.join(bin_dir, "layers-http-demo"), os.X_OK):
        return os.path.join(bin_dir, "layers-http-demo")
    args = ["swift", "build", "--product", "layers-http-demo"]
    scratch = os.environ.get("SWIFT_SCRATCH_PATH")
    if scratch:
        args += ["--scratch-path", scratch]
    subprocess.run(args, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    bin_dir = subprocess.run(args[:2] + args[4:] + ["--show-bin-path"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.strip()
    return os.path.join(bin_dir, "layers-http-demo")


class Demo:
    """A running demo server; `log()` returns its access log so far."""

    def __init__(self, binary: str, tmp: pathlib.Path, *flags: str, nofile: int | None = None):
        self.log_path = tmp / f"access-{time.monotonic_ns()}.log"
        self.log_file = open(self.log_path, "w")

        def limit_descriptors():
            if nofile is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        self.process = subprocess.Popen([binary, "--port", "0", "--access-log", *flags],
                                        stdout=subprocess.PIPE, stderr=self.log_file, text=True,
                                        preexec_fn=limit_descriptors)
        line = self.process.stdout.readline()
        assert line.startswith("listening on "), line
        self.port = int(line.split()[-1])
        self.base = f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self, sig=signal.SIGTERM, timeout=10) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout=timeout)
        self.log_file.close()
        return code


@pytest.fixture(scope="session")
def binary():
    return demo_binary()


@pytest.fixture(scope="session")
def demo(binary, tmp_path_factory):
    server = Demo(binary, tmp_path_factory.mktemp("demo"))
    yield server
    assert server.stop() == 0


@pytest.fixture
def fresh_demo(binary, tmp_path):
    """A demo of one's own, for tests that stop it or change its limits."""
    servers = []

    def start(*flags, nofile=None):
        server = Demo(binary, tmp_path, *flags, nofile=nofile)
        servers.append(server)
        return server

    yield start
    for server in servers:
        if server.process.poll() is None:
            server.stop(signal.SIGKILL)
