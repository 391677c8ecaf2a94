"""PyTorch's side of //benchmarks/vs_pytorch (see README.md).

Builds each network straight from its models/spec/<name>.net file, so the
layers, shapes, pooling rounding and ReLU placement are the spec's, and
measures what engine_side measures, with the same counts:
  - training throughput: SGD with momentum (lr 0.01, momentum 0.9, weight
    decay 5e-4), one forward + backward + update per step, full width;
  - batch-1 inference latency per width (eval mode, torch.no_grad()),
    median, the better of --threads and 1 thread (see best_latency);
  - parameter and MAC counts per width (the structural cross-check).
Rows use engine_side.h's schema with side = "pytorch".

Run with Debian's interpreter (/usr/bin/python3, which sees python3-torch) and
OPENBLAS_NUM_THREADS=1 (vs_pytorch.sh does both).
"""

import argparse
import math
import os
import statistics
import sys
import time

import torch
from torch import nn


def channels(full, fraction):
    """models/spec/shapes.h UniformWidths: round half up, at least 1."""
    return max(1, int(math.floor(fraction * full + 0.5)))


def parse_spec(path):
    """(name, (C, H, W), [(kind, {key: value})]) from a .net file."""
    name, input_shape, layers = None, None, []
    with open(path) as f:
        for raw in f:
            line = raw.split("#", 1)[0].split()
            if not line:
                continue
            kind, keys = line[0], dict(item.split("=", 1) for item in line[1:] if "=" in item)
            if kind == "network":
                name = line[1]
            elif kind == "input":
                input_shape = (int(keys["channels"]), int(keys["height"]), int(keys["width"]))
            elif kind in ("conv", "pool", "relu", "fc"):
                layers.append((kind, keys))
            else:
                raise ValueError(f"{path}: unknown layer kind '{kind}'")
    if name is None or input_shape is None or not layers or layers[-1][0] != "fc":
        raise ValueError(f"{path}: needs a network line, an input line and a final fc layer")
    return name, input_shape, layers


def init_weights(module, init):
    """Caffe's fillers as params.h describes them (biases zero)."""
    fan_in = module.weight[0].numel()
    with torch.no_grad():
        if init.startswith("gaussian:"):
            module.weight.normal_(0.0, float(init.split(":", 1)[1]))
        else:  # xavier, Caffe's FAN_IN variant
            bound = math.sqrt(3.0 / fan_in)
            module.weight.uniform_(-bound, bound)
        module.bias.zero_()


def build(spec, fraction):
    """nn.Sequential of the spec at a uniform width (the classifier keeps its outputs)."""
    _, (c, h, w), layers = spec
    modules, flat = [], None  # flat: input size of an fc layer after the last conv/pool
    for index, (kind, k) in enumerate(layers):
        last = index == len(layers) - 1
        if kind == "conv":
            out = channels(int(k["filters"]), fraction)
            kernel, stride, pad = int(k["kernel"]), int(k["stride"]), int(k["pad"])
            conv = nn.Conv2d(c, out, kernel, stride, pad)
            init_weights(conv, k.get("init", "xavier"))
            modules.append(conv)
            c, h, w = out, (h + 2 * pad - kernel) // stride + 1, (w + 2 * pad - kernel) // stride + 1
        elif kind == "pool":
            kernel, stride, pad = int(k["kernel"]), int(k["stride"]), int(k["pad"])
            # Caffe's rounding: ceil, dropping a last window that starts in the
            # padding; PyTorch's ceil_mode does the same. Average pooling
            # divides by the window clipped to the padded input, as Caffe does.
            pool_class = nn.MaxPool2d if k["op"] == "max" else nn.AvgPool2d
            modules.append(pool_class(kernel, stride, pad, ceil_mode=True))
            h, w = pool_size(h, kernel, stride, pad), pool_size(w, kernel, stride, pad)
        elif kind == "relu":
            modules.append(nn.ReLU(inplace=True))
        elif kind == "fc":
            if flat is None:
                modules.append(nn.Flatten())
                flat = c * h * w
            out = int(k["outputs"]) if last else channels(int(k["outputs"]), fraction)
            fc = nn.Linear(flat, out)
            init_weights(fc, k.get("init", "xavier"))
            modules.append(fc)
            flat = out
    return nn.Sequential(*modules)


def pool_size(size, kernel, stride, pad):
    out = -(-(size + 2 * pad - kernel) // stride) + 1
    if pad > 0 and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def macs_per_image(model, input_shape):
    total = 0

    def hook(module, inputs, output):
        nonlocal total
        if isinstance(module, nn.Conv2d):
            total += output[0].numel() * module.weight[0].numel()
        elif isinstance(module, nn.Linear):
            total += module.weight.numel()

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(torch.zeros(1, *input_shape))
    for handle in handles:
        handle.remove()
    return total


def noise(shape, seed):
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(shape, generator=generator) * 2 - 1


def measure_training(spec, batch, warmup, steps):
    _, input_shape, layers = spec
    model = build(spec, 1.0).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=0.0005)
    loss_fn = nn.CrossEntropyLoss()
    images = noise((batch, *input_shape), 7)
    labels = torch.arange(batch) % int(layers[-1][1]["outputs"])

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
        return loss

    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        loss = step()
    seconds = time.perf_counter() - start
    if not math.isfinite(loss.item()):
        raise RuntimeError(f"{spec[0]}: training loss is not finite")
    return batch * steps / seconds


MIN_LATENCY_RUNS = 5  # engine_side.cc's kMinLatencyRuns


def measure_latency(model, input_shape, warmup, runs, budget_s):
    """Median microseconds of a batch-1 forward, and how many runs it is the median of."""
    model.eval()
    image = noise((1, *input_shape), 11)
    times_us = []
    with torch.no_grad():
        for _ in range(warmup):
            model(image)
        begin = time.perf_counter()
        while len(times_us) < runs and (len(times_us) < MIN_LATENCY_RUNS or time.perf_counter() - begin < budget_s):
            start = time.perf_counter()
            model(image)
            times_us.append(1e6 * (time.perf_counter() - start))
    return statistics.median(times_us), len(times_us)


def best_latency(model, input_shape, args):
    """The lower of the latencies with --threads and with 1 thread: our engine
    runs a batch of 1 on one thread whatever its thread count, and PyTorch
    left at several threads for a tiny batch-1 convolution may be slower."""
    best = None
    for threads in sorted({args.threads, 1}, reverse=True):
        torch.set_num_threads(threads)
        latency, runs = measure_latency(model, input_shape, args.latency_warmup, args.latency_runs,
                                        args.latency_budget_s)
        if best is None or latency < best[0]:
            best = (latency, runs, threads)
    torch.set_num_threads(args.threads)
    return best


def int_list(text, count, flag):
    values = [int(v) for v in text.split(",")]
    if len(values) != count:
        sys.exit(f"torch_peer.py: --{flag} needs one value per network ({count}), got '{text}'")
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--spec-dir", default="models/spec")
    parser.add_argument("--networks", default="lenet,alexnet,convnets")
    parser.add_argument("--batches", default="64,100,100")
    parser.add_argument("--train-steps", default="100,20,10")
    parser.add_argument("--warmup-steps", type=int, default=3)
    parser.add_argument("--latency-runs", type=int, default=200)
    parser.add_argument("--latency-warmup", type=int, default=20)
    parser.add_argument("--latency-budget-s", type=float, default=2.0)
    parser.add_argument("--widths", default="0.25,0.5,0.75,1.0")
    parser.add_argument("--csv", help="write the rows to this CSV file")
    args = parser.parse_args()
    if args.threads < 1 or args.latency_runs < 1 or args.warmup_steps < 0 or args.latency_warmup < 0:
        sys.exit("torch_peer.py: --threads and --latency-runs must be >= 1, warm-ups >= 0")

    torch.set_num_threads(args.threads)
    names = args.networks.split(",")
    batches = int_list(args.batches, len(names), "batches")
    steps = int_list(args.train_steps, len(names), "train-steps")
    widths = [float(w) for w in args.widths.split(",")]
    print(f"pytorch   {torch.__version__}, {torch.get_num_threads()} threads, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}, "
          f"mkldnn {'on' if torch.backends.mkldnn.is_available() else 'off'}", flush=True)
    rows = []
    for name, batch, step_count in zip(names, batches, steps):
        spec = parse_spec(os.path.join(args.spec_dir, name + ".net"))
        input_shape = spec[1]
        for width in widths:
            model = build(spec, width)
            rows.append((name, "", "params", width, sum(p.numel() for p in model.parameters()), "count"))
            rows.append((name, "", "macs", width, macs_per_image(model, input_shape), "MAC/image"))
        rate = measure_training(spec, batch, args.warmup_steps, step_count)
        print(f"{name:<9} train throughput   {rate:10.1f} images/s  (batch {batch}, {step_count} steps "
              f"after {args.warmup_steps} warm-up, {args.threads} threads)", flush=True)
        rows.append((name, "", "train", 1.0, rate, "images/s"))
        for width in widths:
            latency, runs, threads = best_latency(build(spec, width), input_shape, args)
            print(f"{name:<9} batch-1 latency    {latency:10.1f} us        (width {width:.2f}, median of "
                  f"{runs}, best with {threads} thread{'s' if threads > 1 else ''})", flush=True)
            rows.append((name, "", "latency_b1", width, latency, "us"))
            rows.append((name, "", "latency_b1_runs", width, runs, "runs"))
            rows.append((name, "", "latency_b1_threads", width, threads, "threads"))
    if args.csv:
        with open(args.csv, "w") as f:
            f.write("side,network,layer,metric,width,value,unit\n")
            for network, layer, metric, width, value, unit in rows:
                f.write(f"pytorch,{network},{layer},{metric},{width:g},{value:.6g},{unit}\n")


if __name__ == "__main__":
    main()
