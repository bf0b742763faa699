"""Files: modes follow the umask, stale temporaries are cleaned, a full disk or kill -9
during a save, a download or a cache write never leaves half a file under a real name.
"""

import contextlib
import errno
import http.server
import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from ml4phys.common import files
from ml4phys.common.download import download_file, sha256_file
from ml4phys.nn import optimizers
from ml4phys.nn.layers import Dense
from ml4phys.nn.models import Sequential, load_model
from ml4phys.sweeps import store as sweep_store

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def umask(mask):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_file_modes_follow_the_umask(tmp_path, mask, mode):
    with umask(mask):
        files.write_atomic(tmp_path / "a.txt", lambda f: f.write(b"x"))
        net = Sequential([Dense(2, input_shape=(3,))], seed=0)
        net.save(tmp_path / "model.npz")
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == mode
    assert (tmp_path / "model.npz").stat().st_mode & 0o777 == mode


def test_stale_temporaries_are_cleaned_on_the_next_write_and_live_ones_kept(tmp_path):
    target = tmp_path / "results.json"
    dead = tmp_path / ".results.json.dead.tmp"
    dead.write_bytes(b"half")  # nobody holds its lock: its writer died
    other = tmp_path / ".other.json.dead.tmp"
    other.write_bytes(b"another file's")
    fd, live = files.create_private(target)  # a write in progress (locked)
    try:
        files.write_atomic(target, lambda f: f.write(b"{}"))
        assert not dead.exists() and other.exists() and Path(live).exists()
    finally:
        os.close(fd)
    assert files.clean_stale(target) == [Path(live)]
    assert target.read_bytes() == b"{}"


class DiskFull(io.RawIOBase):
    """A file that takes ``room`` bytes, then raises ENOSPC."""

    def __init__(self, fd, room):
        self.fd, self.room = fd, room

    def writable(self):
        return True

    def write(self, data):
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return os.write(self.fd, bytes(data))

    def close(self):
        if not self.closed:
            os.close(self.fd)
        super().close()


@contextlib.contextmanager
def full_disk(monkeypatch, room=100):
    with monkeypatch.context() as patch:
        patch.setattr(files.os, "fdopen", lambda fd, mode: DiskFull(fd, room))
        yield


def test_a_full_disk_during_a_model_save_keeps_the_previous_file(tmp_path, monkeypatch):
    net = Sequential([Dense(4, input_shape=(3,))], seed=0)
    net.compile(loss="mse", optimizer=optimizers.SGD(0.1))
    net.save(tmp_path / "m.npz")
    before = (tmp_path / "m.npz").read_bytes()
    net.set_weights([w + 1 for w in net.get_weights()])
    with (
        full_disk(monkeypatch),
        pytest.raises(
            OSError, match="m.npz: No space left .*previous file is unchanged"
        ),
    ):
        net.save(tmp_path / "m.npz")
    assert (tmp_path / "m.npz").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]  # no temporary
    load_model(tmp_path / "m.npz")


def test_a_full_disk_while_writing_results_keeps_the_previous_file(
    tmp_path, monkeypatch
):
    path = tmp_path / "points" / "abc" / "results.json"
    sweep_store.write_json(path, {"numbers": {"y": 1.0}})
    with full_disk(monkeypatch, room=5), pytest.raises(OSError, match="results.json"):
        sweep_store.write_json(path, {"numbers": {"y": 2.0}, "pad": "x" * 1000})
    assert sweep_store.read_json(path) == {"numbers": {"y": 1.0}}
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]


# ------------------------------------------------------------------ kill -9 mid-write

SLOW_WRITE = """
import sys, time
import numpy as np
def stall(*args, **kwargs):
    f = args[0]
    f.write(b"PK half a file")
    f.flush()
    print("writing", flush=True)
    time.sleep(60)
"""


def run_and_kill(code, tmp_path):
    """Run ``code`` in a fresh Python; kill -9 it once it prints 'writing'."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path])}
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITE + code],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "writing"
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=5) == -signal.SIGKILL
    finally:
        child.kill()
        child.stdout.close()


def hidden(folder):
    return sorted(p.name for p in Path(folder).iterdir() if p.name.startswith("."))


def test_kill_9_during_a_model_save(tmp_path):
    code = """
from ml4phys.nn.layers import Dense
from ml4phys.nn.models import Sequential
net = Sequential([Dense(2, input_shape=(3,))], seed=0)
net.save("m.npz")
np.savez = stall
net.save("m.npz")
"""
    run_and_kill(code, tmp_path)
    assert load_model(tmp_path / "m.npz").count_params() == 8  # the first save, whole
    assert len(hidden(tmp_path)) == 1  # the killed write's temporary
    Sequential([Dense(2, input_shape=(3,))], seed=1).save(tmp_path / "m.npz")
    assert hidden(tmp_path) == []  # cleaned by the next save


def test_kill_9_during_an_ising_cache_write(tmp_path):
    code = """
from ml4phys.physics import sampling
np.savez_compressed = stall
sampling.dataset(4, [2.0], n_samples=4, data_dir=".", equilibration=5, pilot=5)
"""
    run_and_kill(code, tmp_path)
    assert not list(tmp_path.glob("*.npz"))  # nothing under a real name
    assert len(hidden(tmp_path)) == 1
    from ml4phys.physics import sampling

    samples, path = sampling.dataset(
        4, [2.0], n_samples=4, data_dir=tmp_path, equilibration=5, pilot=5
    )
    assert samples.spins.shape == (1, 4, 4, 4) and hidden(tmp_path) == []
    assert sampling.load(path).spins.shape == (1, 4, 4, 4)


@pytest.fixture
def stalling_server(tmp_path):
    """Serves /good/NAME whole and /stall/NAME half, then hangs."""
    body = np.random.default_rng(0).integers(0, 256, 200_000, np.uint8).tobytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.path.startswith("/stall/"):
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                time.sleep(30)
            self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    (tmp_path / "body").write_bytes(body)
    yield f"http://127.0.0.1:{httpd.server_port}", sha256_file(tmp_path / "body")
    httpd.shutdown()
    httpd.server_close()


def test_kill_9_during_a_download(tmp_path, stalling_server):
    url, digest = stalling_server
    dest = tmp_path / "dest"
    dest.mkdir()
    code = f"""
import threading, os
from pathlib import Path
from ml4phys.common.download import download_file
def report():
    while not any(p.stat().st_size > 0 for p in Path("dest").glob(".*.part")):
        time.sleep(0.02)
    print("writing", flush=True)
threading.Thread(target=report, daemon=True).start()
download_file("data.gz", "dest", ["{url}/stall/"], "{digest}", progress=False)
"""
    run_and_kill(code, tmp_path)
    assert not (dest / "data.gz").exists()  # nothing under the real name
    assert len(hidden(dest)) == 1  # the killed download's .part
    download_file("data.gz", dest, [f"{url}/good/"], digest, progress=False)
    assert sha256_file(dest / "data.gz") == digest and hidden(dest) == []
