#!/usr/bin/python3
"""Train the CNN sample and export it: samples/cnn/cnn.onnx, cnn_test.bin, calib/.

Run by hand (needs PyTorch: Debian's python3-torch), not by CI; its outputs are committed.

    /usr/bin/python3 samples/cnn/train.py

The task: 28x28 grayscale images of ten kinds of synthetic shapes (drawn here with numpy at a
random position, size, rotation, stroke width and contrast, with faint clutter
and noise):

    0 circle   1 disk      2 square    3 filled square   4 triangle
    5 filled triangle      6 plus      7 x (cross)       8 line      9 corner (an L)

The model (66k parameters): three Conv+BatchNorm+ReLU blocks with max pooling, a depthwise 3x3
conv and a pointwise 1x1 conv (each + BatchNorm + ReLU), 3x3 average pooling with stride 2,
flatten and two linear layers (576 -> 64 -> 10). torch.onnx.export (opset 13, inference mode)
folds each BatchNorm into the Conv before it, so the graph holds Conv, Relu, MaxPool,
AveragePool, Flatten and Gemm. Most weights sit in layers with many weights per output
channel (the 3x3 conv 32 -> 64 and the first linear layer): int8 quantization keeps a bias and a
requantization factor per output channel, and a model made mostly of narrow layers would not
shrink to a quarter. Held-out accuracy 99.4% (497 of 500).

Training is 5 epochs over 12,000 images; it took 17 minutes on this project's 2-core machine
while other jobs kept it busy (load average 14); an idle machine takes less. Everything is
seeded, so a re-run gives the same files on the same PyTorch build.

Outputs (all in samples/cnn/):
  cnn.onnx       the model, input "input" float [1,1,28,28], output "logits" float [1,10]
  cnn_test.bin   the held-out set: images that were not trained on, their labels and
                 PyTorch's float logits for them (format below; samples/cnn/main.c reads it)
  calib/set_N/input_0.pb   CALIB_N calibration inputs as ONNX TensorProtos (name "input"),
                 drawn from the training distribution with their own seed

cnn_test.bin, all integers little-endian:
  8 bytes   magic "EDGECNN1"
  4 x u32   n (images), h, w, classes
  n bytes   labels
  n*h*w     pixels, u8; the model's input is pixel / 255.0f (float32, correctly rounded)
  n*classes float32 logits that PyTorch computed for those inputs
"""
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 2026
SIZE = 28
SS = 2                       # supersampling factor for anti-aliased drawing
CLASSES = 10
NAMES = ["circle", "disk", "square", "filled square", "triangle", "filled triangle",
         "plus", "x", "line", "corner"]
N_TRAIN = 12000
N_TEST = 500
CALIB_N = 64
EPOCHS = 5
BATCH = 128
OPSET = 13

# pixel centres of the supersampled grid, in output-pixel units
_g = (np.arange(SIZE * SS, dtype=np.float64) + 0.5) / SS
GY, GX = np.meshgrid(_g, _g, indexing="ij")


def seg_dist(px, py, ax, ay, bx, by):
    """distance from every grid point to the segment a-b"""
    dx, dy = bx - ax, by - ay
    t = ((px - ax) * dx + (py - ay) * dy) / max(dx * dx + dy * dy, 1e-9)
    t = np.clip(t, 0.0, 1.0)
    return np.hypot(px - ax - t * dx, py - ay - t * dy)


def draw(rng, cls):
    """one image of class cls as float64 in [0, 1], SIZE x SIZE"""
    r = rng.uniform(4.0, 10.5)                   # size (radius / half side)
    cx = rng.uniform(r + 1.0, SIZE - r - 1.0)
    cy = rng.uniform(r + 1.0, SIZE - r - 1.0)
    w = rng.uniform(1.2, 2.4)                    # stroke width
    ang = rng.uniform(-0.35, 0.35)               # rotation (radians), under 22.5 degrees: a
                                                 # plus never looks like an x
    ca, sa = np.cos(ang), np.sin(ang)
    px, py = GX - cx, GY - cy
    qx, qy = ca * px + sa * py, -sa * px + ca * py   # rotated coordinates

    def stroke(d):
        return np.clip(w / 2 - d + 0.5, 0.0, 1.0)

    def fill(sdf):
        return np.clip(0.5 - sdf, 0.0, 1.0)

    if cls in (0, 1):
        sdf = np.hypot(px, py) - r
        cov = stroke(np.abs(sdf)) if cls == 0 else fill(sdf)
    elif cls in (2, 3):
        s = r * 0.85
        sdf = np.maximum(np.abs(qx), np.abs(qy)) - s
        cov = stroke(np.abs(sdf)) if cls == 2 else fill(sdf)
    elif cls in (4, 5):
        # equilateral triangle, apex down (image rows grow downwards), centred: max over the three edge half-planes
        ds = []
        for k in range(3):
            t = np.pi / 2 + k * 2 * np.pi / 3 + np.pi / 3   # outward normal of edge k
            ds.append(-(np.cos(t) * qx - np.sin(t) * qy) - r * 0.55)
        sdf = np.maximum(np.maximum(ds[0], ds[1]), ds[2])
        cov = stroke(np.abs(sdf)) if cls == 4 else fill(sdf)
    elif cls in (6, 7):
        a = 0.0 if cls == 6 else np.pi / 4
        d = np.inf
        for k in range(2):
            t = a + k * np.pi / 2
            ex, ey = r * np.cos(t), r * np.sin(t)
            d = np.minimum(d, seg_dist(qx, qy, -ex, -ey, ex, ey))
        cov = stroke(d)
    elif cls == 8:
        t = rng.uniform(0.0, np.pi)
        ex, ey = r * np.cos(t), r * np.sin(t)
        cov = stroke(seg_dist(px, py, -ex, -ey, ex, ey))
    else:
        # an L: a vertical and a horizontal segment meeting at the lower-left corner,
        # mirrored at random
        sx = 1.0 if rng.uniform() < 0.5 else -1.0
        d = np.minimum(seg_dist(qx, qy, -sx * r, -r, -sx * r, r),
                       seg_dist(qx, qy, -sx * r, r, sx * r, r))
        cov = stroke(d)

    # clutter: up to three short strokes or dots elsewhere, fainter than the shape
    for _ in range(rng.integers(0, 4)):
        ax, ay = rng.uniform(0, SIZE, 2)
        t = rng.uniform(0.0, np.pi)
        ln = rng.uniform(0.0, 4.0)
        d = seg_dist(GX, GY, ax, ay, ax + ln * np.cos(t), ay + ln * np.sin(t))
        cov = np.maximum(cov, rng.uniform(0.3, 0.7) * np.clip(rng.uniform(0.6, 1.6) - d, 0, 1))

    cov = cov.reshape(SIZE, SS, SIZE, SS).mean(axis=(1, 3))
    bg = rng.uniform(0.0, 0.3)
    fg = rng.uniform(bg + 0.25, 1.0)
    img = bg + (fg - bg) * cov
    # smooth background texture plus pixel noise
    img = img + rng.uniform(0.0, 0.08) * np.sin(rng.uniform(0.1, 0.6) * GX[::SS, ::SS]
                                               + rng.uniform(0.1, 0.6) * GY[::SS, ::SS]
                                               + rng.uniform(0, 2 * np.pi))
    img = img + rng.normal(0.0, rng.uniform(0.03, 0.16), img.shape)
    return np.clip(img, 0.0, 1.0)


def make_set(seed, n):
    """n images as u8 [n, SIZE, SIZE] and labels u8 [n], classes balanced and shuffled"""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % CLASSES
    rng.shuffle(labels)
    imgs = np.empty((n, SIZE, SIZE), dtype=np.uint8)
    for i in range(n):
        imgs[i] = np.round(draw(rng, int(labels[i])) * 255.0).astype(np.uint8)
    return imgs, labels.astype(np.uint8)


def to_input(u8):
    """u8 pixels -> the model's float32 input: pixel / 255 in float32, correctly rounded,
    which is what (float)p / 255.0f gives in C"""
    return (u8.astype(np.float32) / np.float32(255.0))[:, None, :, :]


def block(cin, cout, k=3, groups=1):
    return [nn.Conv2d(cin, cout, k, padding=k // 2, groups=groups, bias=False),
            nn.BatchNorm2d(cout), nn.ReLU()]


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            *block(1, 16), nn.MaxPool2d(2),             # 16 x 14 x 14
            *block(16, 32), nn.MaxPool2d(2),            # 32 x 7 x 7
            *block(32, 64),                             # 64 x 7 x 7
            *block(64, 64, groups=64),                  # depthwise 3x3
            *block(64, 64, k=1),                        # pointwise 1x1
            nn.AvgPool2d(3, stride=2), nn.Flatten())    # 64 x 3 x 3 -> 576
        self.classifier = nn.Sequential(
            nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, CLASSES))

    def forward(self, x):
        return self.classifier(self.features(x))


def write_tensor_pb(path, name, array):
    from onnx import numpy_helper
    t = numpy_helper.from_array(array, name)
    with open(path, "wb") as f:
        f.write(t.SerializeToString())


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    t0 = time.time()

    xtr_u8, ytr = make_set(SEED, N_TRAIN)
    xte_u8, yte = make_set(SEED + 1, N_TEST)
    xca_u8, _ = make_set(SEED + 2, CALIB_N)
    print("data: %d train, %d test, %d calibration images (%.1f s)"
          % (N_TRAIN, N_TEST, CALIB_N, time.time() - t0))

    xtr = torch.from_numpy(to_input(xtr_u8))
    ytr_t = torch.from_numpy(ytr.astype(np.int64))
    xte = torch.from_numpy(to_input(xte_u8))
    yte_t = torch.from_numpy(yte.astype(np.int64))

    model = CNN()
    params = sum(p.numel() for p in model.parameters())
    print("model: %d parameters" % params)
    steps = EPOCHS * ((N_TRAIN + BATCH - 1) // BATCH)
    opt = torch.optim.AdamW(model.parameters(), lr=4e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=4e-3, total_steps=steps)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(SEED)
    for epoch in range(EPOCHS):
        model.train()
        perm = torch.randperm(N_TRAIN, generator=gen)
        total, correct, loss_sum = 0, 0, 0.0
        for i in range(0, N_TRAIN, BATCH):
            idx = perm[i:i + BATCH]
            xb, yb = xtr[idx], ytr_t[idx]
            opt.zero_grad()
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += loss.item() * len(idx)
            correct += (out.argmax(1) == yb).sum().item()
            total += len(idx)
        model.eval()
        with torch.no_grad():
            test_acc = (model(xte).argmax(1) == yte_t).float().mean().item()
        print("epoch %d  loss %.4f  train acc %.2f%%  test acc %.2f%%  (%.0f s)"
              % (epoch, loss_sum / total, 100.0 * correct / total, 100.0 * test_acc,
                 time.time() - t0))

    model.eval()
    with torch.no_grad():
        logits = model(xte).numpy().astype(np.float32)
    acc = float((logits.argmax(1) == yte).mean())
    print("held-out accuracy (PyTorch float): %.2f%% (%d of %d)"
          % (100 * acc, int((logits.argmax(1) == yte).sum()), N_TEST))
    conf = np.zeros((CLASSES, CLASSES), dtype=int)
    for t, p in zip(yte, logits.argmax(1)):
        conf[t, p] += 1
    print("confusion (rows: true class, columns: predicted):")
    for c in range(CLASSES):
        print("  %-16s %s" % (NAMES[c], " ".join("%3d" % v for v in conf[c])))

    onnx_path = os.path.join(HERE, "cnn.onnx")
    torch.onnx.export(model, torch.zeros(1, 1, SIZE, SIZE), onnx_path, opset_version=OPSET,
                      input_names=["input"], output_names=["logits"],
                      do_constant_folding=True)
    import onnx
    m = onnx.load(onnx_path)
    onnx.checker.check_model(m)
    print("wrote %s (%d bytes): %s" % (onnx_path, os.path.getsize(onnx_path),
                                       ", ".join(n.op_type for n in m.graph.node)))

    with open(os.path.join(HERE, "cnn_test.bin"), "wb") as f:
        f.write(b"EDGECNN1")
        f.write(struct.pack("<4I", N_TEST, SIZE, SIZE, CLASSES))
        f.write(yte.astype(np.uint8).tobytes())
        f.write(xte_u8.tobytes())
        f.write(logits.astype("<f4").tobytes())
    print("wrote cnn_test.bin (%d bytes)" % os.path.getsize(os.path.join(HERE, "cnn_test.bin")))

    calib_dir = os.path.join(HERE, "calib")
    xca = to_input(xca_u8)
    for i in range(CALIB_N):
        d = os.path.join(calib_dir, "set_%d" % i)
        os.makedirs(d, exist_ok=True)
        write_tensor_pb(os.path.join(d, "input_0.pb"), "input", xca[i:i + 1])
    print("wrote %d calibration inputs in %s (%.0f s in all)" % (CALIB_N, calib_dir,
                                                               time.time() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
