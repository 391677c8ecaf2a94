"""Joins engine_side's and torch_peer.py's rows: prints the comparison table,
the speed goals with PASS/MISS, and our per-conv-layer GFLOP/s against the
machine's ceiling; optionally writes every row (plus the ratios) as CSV.

Never exits non-zero on a missed goal: it is a measurement, not a test. It
does exit non-zero when the two sides did not build the same networks
(parameter or MAC counts differ), because then the ratios mean nothing.
"""

import argparse
import csv
import sys

# Goals of the project (README.md): (network, metric, width, bound, kind).
# "min": ours/theirs must be >= bound; "max": ours/theirs must be <= bound.
GOALS = [
    ("lenet", "train", 1.0, 2.0, "min"),
    ("alexnet", "train", 1.0, 1.3, "min"),
    ("convnets", "train", 1.0, 1.0, "min"),
    ("lenet", "latency_b1", 0.25, 0.25, "max"),
    ("lenet", "latency_b1", 0.5, 0.25, "max"),
    ("lenet", "latency_b1", 0.75, 0.25, "max"),
    ("lenet", "latency_b1", 1.0, 0.25, "max"),
    ("alexnet", "latency_b1", 1.0, 0.5, "max"),
    ("alexnet", "latency_b1", 0.25, 0.25, "max"),
]
# Latency must fall with width: ours at 25% <= SCALING_SLACK x full-width
# latency x MACs(25%) / MACs(full).
SCALING_SLACK = 2.0
# fp32 FMA peak of one Zen 5 core with AVX-512 (470 GFLOP/s on 2 cores) and
# Eigen's SGEMM on it (~330 on 2 cores): /work/shared/BAZEL_OFFLINE.md, not
# measured here.
PEAK_GFLOPS_PER_CORE = 235.0
SGEMM_GFLOPS_PER_CORE = 165.0


def read_rows(path):
    with open(path, newline="") as f:
        return [dict(r, width=float(r["width"]), value=float(r["value"])) for r in csv.DictReader(f)]


HIGHER_IS_BETTER = {"train", "conv_fwd_gflops", "conv_bwd_gflops", "conv_gflops"}
LOWER_IS_BETTER = {"latency_b1", "conv_step_ms"}
# Rows that describe another row's measurement come from that row's best round.
DESCRIBES = {"latency_b1_runs": "latency_b1", "latency_b1_threads": "latency_b1"}


def key_of(row):
    return (row["network"], row["layer"], row["metric"], row["width"])


def best_of_rounds(rounds):
    """One side's rows over several rounds: {key: value} of the best round per
    measurement, and {key: (worst - best) / best} for the timed ones."""
    tables = [{key_of(r): r for r in rows} for rows in rounds]
    best, spread = {}, {}
    for key in tables[0]:
        metric = key[2]
        primary = (key[0], key[1], DESCRIBES.get(metric, metric), key[3])
        values = [t[primary]["value"] for t in tables if primary in t]
        if metric in HIGHER_IS_BETTER or DESCRIBES.get(metric) in HIGHER_IS_BETTER:
            winner = max(range(len(values)), key=lambda i: values[i])
        elif metric in LOWER_IS_BETTER or DESCRIBES.get(metric) in LOWER_IS_BETTER:
            winner = min(range(len(values)), key=lambda i: values[i])
        else:
            winner = 0
        best[key] = tables[winner][key]["value"]
        if metric in HIGHER_IS_BETTER or metric in LOWER_IS_BETTER:
            spread[key] = (max(values) - min(values)) / values[winner]
    return best, spread


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ours", action="append", required=True, help="engine_side's CSV, once per round")
    parser.add_argument("--theirs", action="append", default=[],
                        help="torch_peer.py's CSV, once per round (absent: our side only)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--csv", help="write the best rows and the ratios here")
    args = parser.parse_args()

    ours_rounds = [read_rows(path) for path in args.ours]
    theirs_rounds = [read_rows(path) for path in args.theirs]
    ours, ours_spread = best_of_rounds(ours_rounds)
    theirs, theirs_spread = best_of_rounds(theirs_rounds) if theirs_rounds else ({}, {})
    ours_rows, theirs_rows = ours_rounds[0], theirs_rounds[0] if theirs_rounds else []
    networks = list(dict.fromkeys(r["network"] for r in ours_rows))

    # Same networks on both sides?
    mismatches = [
        f"{k[0]} {k[2]} at width {k[3]:g}: ours {ours[k]:.0f}, pytorch {theirs[k]:.0f}"
        for k in ours
        if k[2] in ("params", "macs") and k in theirs and ours[k] != theirs[k]
    ]
    if theirs_rows:
        if mismatches:
            print("The two sides built different networks:\n  " + "\n  ".join(mismatches), file=sys.stderr)
            sys.exit(1)
        print("Structure check: parameter and MAC counts agree at every width on both sides.\n")

    ratio_rows = []
    rounds = len(ours_rounds)
    if rounds > 1:
        print(f"Best of {rounds} interleaved rounds per side (spread: (worst - best) / best over the rounds).")
    print(f"{'network':<9} {'metric':<24} {'ours':>12} {'pytorch':>12} {'ratio':>8}  {'unit':<9} spread ours/pytorch")
    for network in networks:
        keys = [k for k in ours if k[0] == network and k[2] in ("train", "latency_b1")]
        keys.sort(key=lambda k: (k[2] != "train", k[3]))
        for key in keys:
            metric = "train (full width)" if key[2] == "train" else f"latency b1 @ {key[3]:.2f}"
            unit = "images/s" if key[2] == "train" else "us"
            mine, peer = ours[key], theirs.get(key)
            ratio = mine / peer if peer else None
            ratio_rows.append((network, key[2], key[3], ratio))
            spread = ""
            if rounds > 1:
                theirs_text = f"{100 * theirs_spread[key]:.0f}%" if key in theirs_spread else "-"
                spread = f"{100 * ours_spread[key]:.0f}% / {theirs_text}"
            note = ""
            threads = theirs.get((key[0], key[1], "latency_b1_threads", key[3])) if key[2] == "latency_b1" else None
            if threads is not None and threads != args.threads:
                note = f"  (pytorch best with {threads:.0f} thread)"
            print(f"{network:<9} {metric:<24} {mine:12.1f} {peer if peer else float('nan'):12.1f} "
                  f"{ratio if ratio else float('nan'):8.3f}  {unit:<9} {spread}{note}")
    print("ratio = ours / pytorch (throughput: higher is better; latency: lower is better)\n")

    print("Goals")
    ratios = {(n, m, w): r for n, m, w, r in ratio_rows}
    for network, metric, width, bound, kind in GOALS:
        if network not in networks:
            continue
        ratio = ratios.get((network, metric, width))
        what = "training throughput" if metric == "train" else f"batch-1 latency @ {width:.2f}"
        sign = ">=" if kind == "min" else "<="
        if ratio is None:
            verdict = "n/a (no pytorch row)"
        else:
            ok = ratio >= bound if kind == "min" else ratio <= bound
            verdict = f"{'PASS' if ok else 'MISS'}  ({ratio:.3f})"
        print(f"  {network:<9} {what:<27} ours/pytorch {sign} {bound:<5g} {verdict}")
    for network in networks:
        small = (network, "", "latency_b1", 0.25)
        full = (network, "", "latency_b1", 1.0)
        macs_small, macs_full = ours.get((network, "", "macs", 0.25)), ours.get((network, "", "macs", 1.0))
        if small in ours and full in ours and macs_small and macs_full:
            bound = SCALING_SLACK * ours[full] * macs_small / macs_full
            verdict = "PASS" if ours[small] <= bound else "MISS"
            print(f"  {network:<9} latency falls with width    ours@0.25 {ours[small]:.1f} us <= "
                  f"{SCALING_SLACK:g} x {ours[full]:.1f} us x MACs {macs_small / macs_full:.3f} = {bound:.1f} us  "
                  f"{verdict}")
    print()

    layers = [k for k in ours if k[2] == "conv_fwd_gflops"]
    if layers:
        peak = PEAK_GFLOPS_PER_CORE * args.threads
        sgemm = SGEMM_GFLOPS_PER_CORE * args.threads
        print(f"Our conv layers in a training step (full width, training batch, {args.threads} threads); "
              f"ceiling {peak:.0f} GFLOP/s AVX-512 FMA peak\n(an AVX2 build such as -march=x86-64-v3 can reach "
              f"half: {peak / 2:.0f}), Eigen SGEMM ~{sgemm:.0f}")
        print(f"{'network':<9} {'layer':<6} {'fwd GFLOP/s':>12} {'bwd GFLOP/s':>12} {'% of peak':>10} "
              f"{'ms/step':>8} {'% of step':>10}")
        for network, layer, _, width in layers:
            fwd = ours[(network, layer, "conv_fwd_gflops", width)]
            bwd = ours[(network, layer, "conv_bwd_gflops", width)]
            both = ours[(network, layer, "conv_gflops", width)]
            ms = ours[(network, layer, "conv_step_ms", width)]
            train, batch = ours.get((network, "", "train", 1.0)), ours.get((network, "", "batch", 1.0))
            share = f"{100 * ms / (1e3 * batch / train):9.0f}%" if train and batch else ""
            print(f"{network:<9} {layer:<6} {fwd:12.1f} {bwd:12.1f} {100 * both / peak:9.0f}% {ms:8.2f} {share:>10}")
        print("% of peak: forward and backward FLOPs over their time together; % of step: the layer's time\n"
              "measured alone over the time of one measured training step (batch / throughput).")
        print()

    if args.csv:
        with open(args.csv, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["side", "network", "layer", "metric", "width", "value", "unit"])
            for side, rows, best in (("ours", ours_rows, ours), ("pytorch", theirs_rows, theirs)):
                for r in rows:
                    writer.writerow([side, r["network"], r["layer"], r["metric"], f"{r['width']:g}",
                                     f"{best[key_of(r)]:.6g}", r["unit"]])
            for network, metric, width, ratio in ratio_rows:
                if ratio is not None:
                    writer.writerow(["ratio", network, "", metric, f"{width:g}", f"{ratio:.6g}", "ours/pytorch"])
        print(f"Rows written to {args.csv}")


if __name__ == "__main__":
    main()
