#!/usr/bin/python3
"""Train samples/tinylm, a character-level GPT, and export it to ONNX with reference data.

Run by hand (needs PyTorch: Debian's python3-torch), not by CI; its outputs are committed.

    /usr/bin/python3 samples/tinylm/train.py

Corpus: the license texts Debian ships in /usr/share/common-licenses (the fixed list FILES,
concatenated in that order, ASCII). The first 90% is the training text, the last 10% is held
out. The model: a GPT with pre-LayerNorm blocks (causal self-attention, GELU MLP), learned
token and position embeddings, N_LAYER x D_MODEL, N_HEAD heads, context CTX characters.
Training runs a fixed number of steps (STEPS) of BATCH windows with a fixed seed and 2 threads.
The committed run: 2000 steps of 32 x 128 characters in 2,851 s (ref/train_log.txt).

Debian's python3-torch uses the reference BLAS (libblas3) unless another libblas.so.3 is
installed; OpenBLAS is about ten times faster. The committed run used the OpenBLAS of Debian's
libopenblas0-pthread, unpacked with `apt-get download libopenblas0-pthread && dpkg -x ...` and
put first with LD_LIBRARY_PATH=<unpacked>/usr/lib/x86_64-linux-gnu/openblas-pthread.

Writes, next to this script:
  tinylm.onnx        the full-sequence model: tokens [1,CTX] int64 -> logits [1,CTX,V]
  tinylm_step.onnx   one decode step with a KV cache: token [1,1] int64, position [1] int64,
                     past_k, past_v [N_LAYER,1,N_HEAD,past,HEAD_DIM] -> logits [1,1,V],
                     present_k, present_v [N_LAYER,1,N_HEAD,past+1,HEAD_DIM]
  vocab.txt          the V characters in token order (token i is byte i of the file)
  heldout.txt        a held-out slice: HELD_WINDOWS windows of CTX characters, plus one
  ref/full_logits.txt   PyTorch's logits of tinylm.onnx's model on the first window of
                        heldout.txt: CTX lines of V numbers
  ref/decode.txt     the decode reference: the prompt, then one line per decode step:
                     position, input token, greedy next token, V logits (PyTorch)
  ref/ppl.txt        PyTorch's perplexity of heldout.txt (non-overlapping windows of CTX)
  ref/train_log.txt  what this run measured (parameters, time, losses, perplexity)
"""
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS_DIR = "/usr/share/common-licenses"
FILES = ["Apache-2.0", "Artistic", "BSD", "CC0-1.0", "GFDL-1.2", "GFDL-1.3", "GPL-1", "GPL-2",
         "GPL-3", "LGPL-2", "LGPL-2.1", "LGPL-3", "MPL-1.1", "MPL-2.0"]
SEED = 1234
THREADS = 2
N_LAYER, D_MODEL, N_HEAD, CTX = 4, 128, 4, 128
HEAD_DIM = D_MODEL // N_HEAD
STEPS = int(os.environ.get("TINYLM_STEPS", "2000"))  # env overrides only for smoke tests
BATCH = int(os.environ.get("TINYLM_BATCH", "32"))
LR_MAX, LR_MIN, WARMUP = 3e-3, 1e-4, 20
OPSET = 17
HELD_WINDOWS = 32
PROMPT = "This License applies to "
DECODE_STEPS = 64


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D_MODEL)
        self.qkv = nn.Linear(D_MODEL, 3 * D_MODEL)
        self.proj = nn.Linear(D_MODEL, D_MODEL)
        self.ln2 = nn.LayerNorm(D_MODEL)
        self.fc = nn.Linear(D_MODEL, 4 * D_MODEL)
        self.out = nn.Linear(4 * D_MODEL, D_MODEL)

    def mlp(self, x):
        return self.out(F.gelu(self.fc(self.ln2(x))))

    def forward(self, x, mask):
        """x [B,T,D], mask [T,T] (True where attention is allowed)."""
        b, t = x.shape[0], x.shape[1]
        q, k, v = self.qkv(self.ln1(x)).split(D_MODEL, dim=2)
        q = q.reshape(b, t, N_HEAD, HEAD_DIM).transpose(1, 2)
        k = k.reshape(b, t, N_HEAD, HEAD_DIM).transpose(1, 2)
        v = v.reshape(b, t, N_HEAD, HEAD_DIM).transpose(1, 2)
        att = (q * (1.0 / math.sqrt(HEAD_DIM))) @ k.transpose(-2, -1)
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, D_MODEL)
        x = x + self.proj(y)
        return x + self.mlp(x)

    def step(self, x, past_k, past_v):
        """One position: x [1,1,D], past_k/past_v [1,H,past,HEAD_DIM]. Every reshape uses
        constants, so the only symbolic dim of the exported graph is the past axis."""
        q, k, v = self.qkv(self.ln1(x)).split(D_MODEL, dim=2)
        q = q.reshape(1, 1, N_HEAD, HEAD_DIM).transpose(1, 2)
        k = torch.cat([past_k, k.reshape(1, 1, N_HEAD, HEAD_DIM).transpose(1, 2)], dim=2)
        v = torch.cat([past_v, v.reshape(1, 1, N_HEAD, HEAD_DIM).transpose(1, 2)], dim=2)
        att = ((q * (1.0 / math.sqrt(HEAD_DIM))) @ k.transpose(-2, -1)).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(1, 1, D_MODEL)
        x = x + self.proj(y)
        return x + self.mlp(x), k, v


class GPT(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.wte = nn.Embedding(vocab, D_MODEL)
        self.wpe = nn.Embedding(CTX, D_MODEL)
        self.blocks = nn.ModuleList([Block() for _ in range(N_LAYER)])
        self.ln_f = nn.LayerNorm(D_MODEL)
        self.head = nn.Linear(D_MODEL, vocab)
        self.register_buffer("mask", torch.tril(torch.ones(CTX, CTX, dtype=torch.bool)))
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, 0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def forward(self, idx):
        """idx [B,T] -> logits [B,T,V]."""
        t = idx.shape[1]
        x = self.wte(idx) + self.wpe.weight[:t]
        mask = self.mask[:t, :t]
        for blk in self.blocks:
            x = blk(x, mask)
        return self.head(self.ln_f(x))


class Step(nn.Module):
    """The decode step of a trained GPT (same parameters)."""

    def __init__(self, gpt):
        super().__init__()
        self.gpt = gpt

    def forward(self, token, position, past_k, past_v):
        g = self.gpt
        x = g.wte(token) + g.wpe(position)          # [1,1,D] + [1,D]
        ks, vs = [], []
        for i, blk in enumerate(g.blocks):
            x, k, v = blk.step(x, past_k[i], past_v[i])
            ks.append(k)
            vs.append(v)
        return g.head(g.ln_f(x)), torch.stack(ks), torch.stack(vs)


def fmt_row(values):
    return " ".join("%.8e" % float(v) for v in values)


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(THREADS)
    text = b"".join(open(os.path.join(CORPUS_DIR, f), "rb").read() for f in FILES)
    chars = sorted(set(text))
    vocab = len(chars)
    stoi = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.int64)
    n_train = int(0.9 * len(data))
    train, held = data[:n_train], data[n_train:]
    held_n = HELD_WINDOWS * CTX + 1
    assert len(held) >= held_n
    held = held[:held_n]
    print("corpus %d chars (%d files), vocab %d, train %d, held-out slice %d"
          % (len(data), len(FILES), vocab, n_train, held_n))

    model = GPT(vocab)
    n_params = sum(p.numel() for p in model.parameters())
    print("parameters: %d" % n_params)
    opt = torch.optim.AdamW(model.parameters(), lr=LR_MAX, betas=(0.9, 0.99), weight_decay=0.01)
    gen = torch.Generator().manual_seed(SEED)
    t0 = time.time()
    log = []
    for step in range(STEPS):
        if step < WARMUP:
            lr = LR_MAX * (step + 1) / WARMUP
        else:
            frac = (step - WARMUP) / max(1, STEPS - WARMUP)
            lr = LR_MIN + 0.5 * (LR_MAX - LR_MIN) * (1 + math.cos(math.pi * frac))
        for g in opt.param_groups:
            g["lr"] = lr
        ix = torch.randint(0, len(train) - CTX - 1, (BATCH,), generator=gen)
        xb = torch.stack([train[i:i + CTX] for i in ix])
        yb = torch.stack([train[i + 1:i + CTX + 1] for i in ix])
        loss = F.cross_entropy(model(xb).reshape(-1, vocab), yb.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 10 == 0 or step == STEPS - 1:
            line = "step %5d  loss %.4f  lr %.2e  %.0f s" % (step, loss.item(), lr, time.time() - t0)
            print(line, flush=True)
            log.append(line)
    train_s = time.time() - t0
    model.eval()

    # Held-out perplexity: non-overlapping windows of CTX, each predicting its next CTX chars.
    with torch.no_grad():
        xs = held[:-1].reshape(HELD_WINDOWS, CTX)
        ys = held[1:].reshape(HELD_WINDOWS, CTX)
        logits = model(xs).double()
        nll = F.cross_entropy(logits.reshape(-1, vocab), ys.reshape(-1), reduction="sum").item()
        ppl = math.exp(nll / ys.numel())
        tl = train[:HELD_WINDOWS * CTX + 1]
        tnll = F.cross_entropy(model(tl[:-1].reshape(HELD_WINDOWS, CTX)).double().reshape(-1, vocab),
                               tl[1:], reduction="mean").item()
    print("held-out perplexity %.6f (loss %.4f); same measure on the start of the training text %.4f"
          % (ppl, math.log(ppl), math.exp(tnll)))

    # Decode reference: the prompt fed one token at a time, then greedy decoding; every step's
    # logits from the Step module, checked against the full model on the same tokens.
    step_model = Step(model).eval()
    prompt = [stoi[c] for c in PROMPT.encode()]
    toks = list(prompt)
    pk = torch.zeros(N_LAYER, 1, N_HEAD, 0, HEAD_DIM)
    pv = torch.zeros(N_LAYER, 1, N_HEAD, 0, HEAD_DIM)
    rows = []
    with torch.no_grad():
        pos = 0
        while pos < len(prompt) - 1 + DECODE_STEPS:
            tok = toks[pos]
            lg, pk, pv = step_model(torch.tensor([[tok]]), torch.tensor([pos]), pk, pv)
            lg = lg.reshape(-1)
            nxt = int(lg.argmax())
            if pos + 1 >= len(toks):
                toks.append(nxt)
            rows.append((pos, tok, nxt, lg.numpy().copy()))
            pos += 1
        full = model(torch.tensor([toks[:len(rows)]]))[0]
        dd = max(float((full[i] - torch.from_numpy(r[3])).abs().max()) for i, r in enumerate(rows))
    generated = bytes(chars[t] for t in toks)
    print("decode step vs full model: max abs diff %.3g" % dd)
    assert dd < 1e-4
    print("greedy from %r: %r" % (PROMPT, generated.decode()))

    # Exports.
    onnx_full = os.path.join(HERE, "tinylm.onnx")
    onnx_step = os.path.join(HERE, "tinylm_step.onnx")
    torch.onnx.export(model, torch.zeros(1, CTX, dtype=torch.int64), onnx_full,
                      opset_version=OPSET, input_names=["tokens"], output_names=["logits"],
                      do_constant_folding=True)
    ex = (torch.zeros(1, 1, dtype=torch.int64), torch.zeros(1, dtype=torch.int64),
          torch.zeros(N_LAYER, 1, N_HEAD, 3, HEAD_DIM), torch.zeros(N_LAYER, 1, N_HEAD, 3, HEAD_DIM))
    torch.onnx.export(step_model, ex, onnx_step, opset_version=OPSET,
                      input_names=["token", "position", "past_k", "past_v"],
                      output_names=["logits", "present_k", "present_v"],
                      dynamic_axes={"past_k": {3: "past"}, "past_v": {3: "past"},
                                    "present_k": {3: "past_plus_1"},
                                    "present_v": {3: "past_plus_1"}},
                      do_constant_folding=True)
    for p in (onnx_full, onnx_step):
        print("wrote %s (%d bytes)" % (p, os.path.getsize(p)))

    # Reference files.
    os.makedirs(os.path.join(HERE, "ref"), exist_ok=True)
    with open(os.path.join(HERE, "vocab.txt"), "wb") as f:
        f.write(bytes(chars))
    with open(os.path.join(HERE, "heldout.txt"), "wb") as f:
        f.write(bytes(chars[t] for t in held.tolist()))
    with torch.no_grad():
        w0 = model(held[:CTX].reshape(1, CTX))[0]
    with open(os.path.join(HERE, "ref", "full_logits.txt"), "w") as f:
        for row in w0:
            f.write(fmt_row(row) + "\n")
    with open(os.path.join(HERE, "ref", "decode.txt"), "w") as f:
        f.write("# PyTorch %s, tinylm_step.onnx's module: prompt length, then per step:\n"
                "# position input_token greedy_next_token logits[%d]\n" % (torch.__version__, vocab))
        f.write("%d %s\n" % (len(prompt), " ".join(str(t) for t in prompt)))
        for pos, tok, nxt, lg in rows:
            f.write("%d %d %d %s\n" % (pos, tok, nxt, fmt_row(lg)))
    with open(os.path.join(HERE, "ref", "ppl.txt"), "w") as f:
        f.write("%.9g\n" % ppl)
    log = ["PyTorch %s, %d threads, seed %d" % (torch.__version__, THREADS, SEED),
           "corpus %d chars, vocab %d, train %d chars, held-out slice %d chars"
           % (len(data), vocab, n_train, held_n),
           "model: %d layers, d=%d, %d heads, context %d, %d parameters"
           % (N_LAYER, D_MODEL, N_HEAD, CTX, n_params),
           "training: %d steps of batch %d x %d, %.0f s wall clock" % (STEPS, BATCH, CTX, train_s)] \
        + log + ["held-out perplexity %.6f" % ppl,
                 "decode step vs full model: max abs diff %.3g" % dd,
                 "greedy from %r: %r" % (PROMPT, generated.decode())]
    with open(os.path.join(HERE, "ref", "train_log.txt"), "w") as f:
        f.write("\n".join(log) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
