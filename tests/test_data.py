"""Data: the offline default, the genuine file formats, checksums, fetching from local mirrors."""

import hashlib
import io
import pickle
import tarfile
import threading

import numpy as np
import pytest

from lib.data import (
    DatasetChecksumError,
    DatasetFetchError,
    DatasetMissingError,
    add_bias_column,
    fetch,
    get_data,
    load_cifar10,
    load_fashion_mnist,
    load_mnist_5k,
    load_mnist_full,
    load_registry,
    preprocess,
    read_idx,
    train_val_test_split,
    write_idx,
)
from lib.data.formats import parse_idx

IDX_FILES = [
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
]


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_idx_set(folder, n_train=30, n_test=10, seed=0):
    """Small files in the real IDX gz format; returns the arrays written."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = [
        rng.integers(0, 256, (n_train, 28, 28)),
        rng.integers(0, 10, n_train),
        rng.integers(0, 256, (n_test, 28, 28)),
        rng.integers(0, 10, n_test),
    ]
    for name, arr in zip(IDX_FILES, arrays):
        write_idx(folder / name, arr)
    return arrays


def make_cifar_archive(path, n_per_batch=4, seed=0):
    """A small cifar-10-python.tar.gz with the real layout: pickled dicts of b'data' and b'labels'."""
    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    batches = {}
    with tarfile.open(path, "w:gz") as tar:
        for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
            data = rng.integers(0, 256, (n_per_batch, 3072)).astype(np.uint8)
            labels = rng.integers(0, 10, n_per_batch).tolist()
            batches[name] = (data, labels)
            blob = pickle.dumps({b"data": data, b"labels": labels, b"batch_label": name.encode()})
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    return batches


def test_offline_mnist_default():
    X, y = load_mnist_5k()
    assert X.shape == (5000, 28, 28) and X.dtype == np.uint8 and X.max() == 255
    assert np.array_equal(np.bincount(y), [500] * 10)
    X[0] = 0  # a copy: the cached data is untouched
    assert load_mnist_5k()[0][0].max() > 0


def test_get_data_split_is_seeded_stratified_and_disjoint():
    a, b = get_data("mnist", seed=3), get_data("mnist", seed=3)
    assert a["X_train"].shape == (4000, 784) and a["X_test"].shape == (500, 784)
    assert np.array_equal(a["X_val"], b["X_val"])
    assert np.array_equal(np.bincount(a["y_test"]), [50] * 10)

    def rows(X):
        return {r.tobytes() for r in X.astype(np.uint8)}

    assert not rows(a["X_train"]) & rows(a["X_test"])
    assert not np.array_equal(get_data("mnist", seed=4)["y_val"], a["y_val"])
    assert get_data("mnist", num_train=100)["X_train"].shape == (100, 784)
    with pytest.raises(ValueError, match="unknown dataset"):
        get_data("imagenet")


def test_preprocess_mean_image_and_bias_trick():
    data = get_data("mnist", seed=0)
    out = preprocess(data)
    assert out["X_train"].shape == (4000, 785) and np.all(out["X_val"][:, -1] == 1)
    assert np.abs(out["X_train"][:, :-1].mean(axis=0)).max() < 1e-9
    np.testing.assert_allclose(out["mean_image"], data["X_train"].mean(axis=0))
    assert data["X_train"].shape == (4000, 784)  # input not changed
    with pytest.raises(ValueError, match="2-D"):
        add_bias_column(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match="num_val"):
        train_val_test_split(np.zeros((10, 2)), np.zeros(10), 5, 5)


def test_idx_round_trip_and_bad_header(tmp_path):
    arr = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "a.gz", arr)
    assert np.array_equal(read_idx(tmp_path / "a.gz"), arr)
    with pytest.raises(ValueError, match="not an IDX file"):
        parse_idx(b"\x01\x02\x03\x04", "x")
    with pytest.raises(ValueError, match="implies"):
        parse_idx(bytes([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]), "short")


def registry_for(root):
    return {f"{p.parent.name}/{p.name}": sha(p) for p in root.rglob("*.gz")}


def test_mnist_full_loader_reads_idx_and_rejects_a_bad_checksum(tmp_path):
    arrays = make_idx_set(tmp_path / "mnist_full")
    reg = registry_for(tmp_path)
    X_tr, y_tr, X_te, y_te = load_mnist_full(tmp_path, registry=reg)
    assert np.array_equal(X_tr, arrays[0]) and np.array_equal(y_te, arrays[3]) and X_tr.dtype == np.uint8
    write_idx(tmp_path / "mnist_full" / "t10k-labels-idx1-ubyte.gz", np.zeros(10))  # tampered file
    with pytest.raises(DatasetChecksumError, match="not loaded.*course fetch mnist_full"):
        load_mnist_full(tmp_path, registry=reg)


def test_missing_sets_name_the_fetch_command(tmp_path):
    with pytest.raises(DatasetMissingError, match=r"course fetch mnist_full .*get_datasets.py mnist_full"):
        load_mnist_full(tmp_path)
    with pytest.raises(DatasetMissingError, match="course fetch cifar10"):
        load_cifar10(tmp_path)
    with pytest.raises(DatasetMissingError, match="course fetch fashion_mnist"):
        load_fashion_mnist(tmp_path, debian_dir=tmp_path / "nowhere")


def test_fashion_mnist_falls_back_to_the_debian_folder(tmp_path):
    debian = tmp_path / "usr-share" / "fashion-mnist"
    arrays = make_idx_set(debian)
    reg = {f"debian/fashion-mnist/{n}": sha(debian / n) for n in IDX_FILES}
    X_tr, y_tr, _, _ = load_fashion_mnist(tmp_path / "datasets", registry=reg, debian_dir=debian)
    assert np.array_equal(X_tr, arrays[0]) and np.array_equal(y_tr, arrays[1])


def test_cifar10_archive_read_without_extracting(tmp_path):
    batches = make_cifar_archive(tmp_path / "cifar10" / "cifar-10-python.tar.gz")
    reg = {"cifar10/cifar-10-python.tar.gz": sha(tmp_path / "cifar10" / "cifar-10-python.tar.gz")}
    X_tr, y_tr, X_te, y_te = load_cifar10(tmp_path, registry=reg)
    assert X_tr.shape == (20, 32, 32, 3) and X_te.shape == (4, 32, 32, 3)
    data, labels = batches["data_batch_1"]
    # channel planes R, G, B of 1024 values each become the last axis
    assert np.array_equal(X_tr[0, :, :, 1].ravel(), data[0, 1024:2048])
    assert y_tr[:4].tolist() == labels
    d = get_data("cifar10", num_val=5, num_test=3, data_dir=tmp_path, registry=reg)
    assert d["X_train"].shape == (15, 3072) and d["class_names"][0] == "airplane"


def test_registry_lists_every_remote_file():
    from lib.data import REMOTE

    reg = load_registry()
    for spec in REMOTE.values():
        for f in spec.files:
            assert len(reg[f"{spec.folder}/{f}"]) == 64


def test_fetch_uses_the_next_mirror_and_checks_sha256(tmp_path, local_mirror):
    www, base = local_mirror
    arrays = make_idx_set(www / "good")
    reg = {f"mnist_full/{n}": sha(www / "good" / n) for n in IDX_FILES}
    dead = base + "missing/"  # answers 404, like a dead mirror
    paths = fetch(
        "mnist_full", data_dir=tmp_path / "data", registry=reg, mirrors=(dead, base + "good/"), progressbar=False
    )
    assert [p.name for p in paths] == IDX_FILES
    X_tr, *_ = load_mnist_full(tmp_path / "data", registry=reg)
    assert np.array_equal(X_tr, arrays[0])


def test_fetch_rejects_a_file_with_the_wrong_hash(tmp_path, local_mirror):
    www, base = local_mirror
    make_idx_set(www / "bad")
    reg = {f"mnist_full/{n}": "0" * 64 for n in IDX_FILES}
    with pytest.raises(DatasetFetchError, match="could not fetch train-images"):
        fetch("mnist_full", data_dir=tmp_path / "data", registry=reg, mirrors=(base + "bad/",), progressbar=False)
    assert not (tmp_path / "data" / "mnist_full" / "train-images-idx3-ubyte.gz").exists()


@pytest.fixture
def stalled_server():
    """A server on 127.0.0.1 that accepts connections and never answers; yields its base URL."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    held = []
    stop = threading.Event()

    def accept():
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])  # keep the connection open, say nothing
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    sock.close()


def test_fetch_gives_up_on_a_stalled_server_and_says_what_to_do(tmp_path, stalled_server):
    reg = {f"mnist_full/{n}": "0" * 64 for n in IDX_FILES}
    with pytest.raises(DatasetFetchError) as err:
        fetch(
            "mnist_full",
            data_dir=tmp_path,
            registry=reg,
            mirrors=(stalled_server,),
            progressbar=False,
            timeout=0.5,
            retries=2,
        )
    message = str(err.value)
    assert message.count(stalled_server + "train-images-idx3-ubyte.gz") == 2  # both attempts, with the URL
    assert str(tmp_path / "mnist_full" / "train-images-idx3-ubyte.gz") in message and "by hand" in message
