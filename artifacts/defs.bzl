"""Experiments as Bazel actions.

Every training, evaluation and simulation run of the paper is a build action
with declared inputs (spec, solver, data set files, flags) and outputs (a
model file, a result shard). Bazel caches them, runs independent ones in
parallel and, with --remote_cache / --remote_executor, shares or spreads them
over machines. A figure's BUILD entry then reads like its caption:

    trained_model(name = "lenet_golden_25", network = "lenet", method = "golden", fraction = 0.25)

The fidelity profile comes from --define=profile=smoke|quick|paper (default
quick; `--config=smoke|quick|paper` in .bazelrc sets it and gives smoke and
paper output directories of their own) and is part of each action's command
line, so profiles never share cache entries.
"""

# Network -> data set it is trained on, and its solver.
NETWORKS = {
    "lenet": struct(dataset = "mnist", solver = "//models/train:solvers/lenet.solver"),
    "alexnet": struct(dataset = "cifar10", solver = "//models/train:solvers/alexnet.solver"),
    "convnets": struct(dataset = "svhn", solver = "//models/train:solvers/convnets.solver"),
}

PROFILE = select({
    "//artifacts:profile_smoke": "smoke",
    "//artifacts:profile_paper": "paper",
    "//conditions:default": "quick",
})

# Threads of every training/evaluation action. Fixed, because results are
# bit-identical only for a fixed thread count.
ACTION_THREADS = "2"

def _common_flags(network, dataset, uses_solver = True):
    return " ".join([
        "--spec $(location //models/spec:%s.net)" % network,
    ] + (["--solver $(location %s)" % NETWORKS[network].solver] if uses_solver else []) + [
        "--dataset %s" % dataset,
        "--data-root external/datasets",
        "--threads " + ACTION_THREADS,
    ])

def _common_srcs(network, dataset):
    return [
        "//models/spec:%s.net" % network,
        NETWORKS[network].solver,
        "@datasets//:%s" % dataset,
    ]

def _profile(profile):
    """A fixed profile name, or the --define=profile=... selection."""
    return profile if profile else PROFILE

def trained_model(name, network, method, dataset, fraction = 1.0, fractions = None, golden_init = [], iterations_scale = 1, seed = 1, profile = None):
    """A model file `<name>.model` trained by one of the paper's trainers.

    method: "golden" (one width, `fraction`), "budget_golden" (full width,
    `iterations_scale` x the solver's iterations), "incremental" or
    "incremental_golden_init" (`fractions`, and `golden_init` model targets).
    """
    out = name + ".model"
    if method in ["golden", "budget_golden"]:
        tool = "//models/train:golden"
        extra = "--fraction %s --iterations-scale %d --method %s" % (fraction, iterations_scale, method)
        srcs = []
    else:
        tool = "//models/train:incremental"
        extra = "--fractions " + ",".join([str(f) for f in fractions])
        srcs = golden_init
        if golden_init:
            extra += " --golden-init " + ",".join(["$(location %s)" % g for g in golden_init])
    native.genrule(
        name = name,
        srcs = _common_srcs(network, dataset) + srcs,
        outs = [out],
        tools = [tool],
        cmd = "$(location %s) %s --seed %d --profile " % (tool, _common_flags(network, dataset), seed) + _profile(profile) +
              " %s --out $@ 2> >(tail -c 4000 >&2)" % extra,
        message = "Training %s (%s, %s)" % (network, method, name),
        # Experiments run when an artifact or test asks for them, never as
        # part of `bazel build //...`.
        tags = ["manual"],
    )

def evaluation(name, network, dataset, models, shutdown_fractions = None, method = None, method_prefix = None, profile = None):
    """Evaluates model targets (files, or folders of them) on validation and
    test sets at every increment.

    Outputs `<name>.db` (a results-store shard: accuracy, margin histograms,
    storage) and `<name>.csv` (every image's prediction and score margin).
    """
    extra = ""
    if shutdown_fractions:
        extra += " --shutdown-fractions " + ",".join([str(f) for f in shutdown_fractions])
    if method:
        extra += " --method " + method
    if method_prefix:
        extra += " --method-prefix " + method_prefix
    native.genrule(
        name = name,
        srcs = _common_srcs(network, dataset) + models,
        outs = [name + ".db", name + ".csv"],
        tools = ["//models/train:evaluate"],
        cmd = "$(location //models/train:evaluate) %s --profile " % _common_flags(network, dataset) + _profile(profile) +
              " --model %s%s --target //artifacts:%s --db $(location %s.db) --predictions $(location %s.csv) 2> >(tail -c 4000 >&2)" % (
                  " ".join(["$(location %s)" % m for m in models]),
                  extra,
                  name,
                  name,
                  name,
              ),
        message = "Evaluating %s" % name,
        tags = ["manual"],
    )

def network_experiments(network, dataset, fractions = [0.25, 0.5, 0.75, 1.0], profile = None, prefix = "", budget = None):
    """Everything Figures 6, 9, 10 and Tables 6-9 need for one network:
    golden models per width, plain incremental, incremental with golden
    initialisation, the budget-matched golden control, channel shutdown of
    the full golden model, and their evaluations.

    `profile` fixes the profile (e.g. the CI regression test's "smoke");
    None follows --define=profile=... `prefix` keeps the target names apart.
    Energies come from the accelerator simulator (//artifacts:accel_sim);
    `budget` is Figure 11's budget schedule."""
    net = prefix + network
    goldens = []
    for f in fractions:
        label = "%s_golden_%d" % (net, int(f * 100 + 0.5))
        trained_model(name = label, network = network, method = "golden", dataset = dataset, fraction = f, profile = profile)
        goldens.append(":" + label)
    trained_model(
        name = net + "_incremental",
        network = network,
        method = "incremental",
        dataset = dataset,
        fractions = fractions,
        profile = profile,
    )
    trained_model(
        name = net + "_incremental_golden_init",
        network = network,
        method = "incremental_golden_init",
        dataset = dataset,
        fractions = fractions,
        golden_init = goldens,
        profile = profile,
    )
    trained_model(
        name = net + "_budget_golden",
        network = network,
        method = "budget_golden",
        dataset = dataset,
        iterations_scale = len(fractions),
        profile = profile,
    )
    # One evaluation of every trained model, so the runtime schemes read the
    # golden and incremental predictions of the same images from one CSV.
    evaluation(
        name = net + "_eval",
        network = network,
        dataset = dataset,
        models = goldens + [":%s_%s" % (net, m) for m in ["incremental", "incremental_golden_init", "budget_golden"]],
        profile = profile,
    )
    evaluation(
        name = net + "_eval_shutdown",
        network = network,
        dataset = dataset,
        models = [goldens[-1]],
        shutdown_fractions = fractions,
        profile = profile,
    )
    runtime_analysis(
        name = net + "_runtime",
        network = network,
        evaluation = ":%s_eval" % net,
        models = goldens + [":%s_incremental_golden_init" % net],
        cost = "//artifacts:%s_fixed32_16.cost" % network,
        budget = budget,
        profile = profile,
        optimum_out = True,
    )
    table7_optimum_experiments(net, network, dataset, goldens, profile)
    fixed_point_check(
        name = net + "_fixed_point",
        network = network,
        dataset = dataset,
        model = ":%s_incremental_golden_init" % net,
        profile = profile,
    )
    native.filegroup(
        name = net + "_shards",
        tags = ["manual"],
        srcs = [":%s_%s" % (net, kind) for kind in ["eval", "eval_shutdown", "runtime", "fixed_point", "table7_eval", "table7_runtime"]] +
               [":%s_table7_accel_sim.db" % net],
    )

# Methods of the Table 7 optimum's models in the store (evaluate and runtime
# --method-prefix): table7_golden, table7_incremental_golden_init,
# table7_opportunistic, ... beside the 4-increment models' golden, ...
TABLE7_PREFIX = "table7_"

def _optimum_models_impl(ctx):
    out = ctx.actions.declare_directory(ctx.label.name)
    arguments = [
        ctx.executable._tool.path,
        "--spec",
        ctx.file.spec.path,
        "--solver",
        ctx.file.solver.path,
        "--dataset",
        ctx.attr.dataset,
        "--data-root",
        "external/datasets",
        "--threads",
        ACTION_THREADS,
        "--seed",
        "1",
        "--profile",
        ctx.attr.profile,
        "--optimum",
        ctx.file.optimum.path,
        "--out-dir",
        out.path,
    ]
    if ctx.files.golden_pool:
        arguments += ["--golden-pool"] + [f.path for f in ctx.files.golden_pool]
    ctx.actions.run_shell(
        outputs = [out],
        inputs = [ctx.file.spec, ctx.file.solver, ctx.file.optimum] + ctx.files.golden_pool + ctx.files.data,
        tools = [ctx.executable._tool],
        # sh -c '<command>' '' <arguments>: "$@" is the tool's command line.
        command = "\"$@\" 2> >(tail -c 4000 >&2)",
        arguments = arguments,
        mnemonic = "TrainOptimum",
        # The same PATH as the genrules' (bash, tail).
        use_default_shell_env = True,
        progress_message = "Training the Table 7 optimum's increments (%s)" % ctx.label.name,
    )
    return [DefaultInfo(files = depset([out]))]

# A folder of model files: the golden model of each increment the Table 7
# sweep chose (from `golden_pool` when it has the width, else trained) and
# the golden-initialised incremental model (//models/train:train_optimum).
# A folder because how many increments there are is known only after the
# sweep has run.
optimum_models = rule(
    implementation = _optimum_models_impl,
    attrs = {
        "spec": attr.label(allow_single_file = True, mandatory = True),
        "solver": attr.label(allow_single_file = True, mandatory = True),
        "dataset": attr.string(mandatory = True),
        "data": attr.label_list(allow_files = True),
        "profile": attr.string(mandatory = True),
        "optimum": attr.label(allow_single_file = True, mandatory = True),
        "golden_pool": attr.label_list(allow_files = [".model"]),
        "_tool": attr.label(default = "//models/train:train_optimum", executable = True, cfg = "exec"),
    },
)

def table7_optimum_experiments(net, network, dataset, goldens, profile):
    """Tables 8 and 9 as the paper draws them: from models trained with the
    increments of the Table 7 optimum (`<net>_runtime_optimum.txt`, the Eq. 1
    sweep over the golden models), evaluated, priced on the accelerator at
    those widths and put through the runtime schemes, every method prefixed
    table7_."""
    optimum = ":%s_runtime_optimum.txt" % net
    optimum_models(
        name = net + "_table7_models",
        spec = "//models/spec:%s.net" % network,
        solver = NETWORKS[network].solver,
        dataset = dataset,
        data = ["@datasets//:%s" % dataset],
        profile = _profile(profile),
        optimum = optimum,
        golden_pool = goldens,
        tags = ["manual"],
    )
    # The cost file for the runtime schemes, and the accelerator's run of
    # those widths as a shard (Table 8's E and 'E as P×T' of every increment).
    native.genrule(
        name = net + "_table7_cost",
        srcs = ["//models/spec:%s.net" % network, TECH, optimum],
        outs = [net + "_table7_fixed32_16.cost", net + "_table7_accel_sim.db"],
        tools = ["//accel_sim:table4"],
        # train_optimum validates the file fully; here it must at least hold a line of fractions.
        cmd = "tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && " +
              "fractions=$$(sed -n '/^[^#]/{p;q;}' $(location %s)) && " % optimum +
              "{ [ -n \"$$fractions\" ] || { echo '$(location %s) holds no fractions (truncated?)' >&2; exit 1; }; } && " % optimum +
              "$(location //accel_sim:table4) --specs $(location //models/spec:%s.net) " % network +
              "--tech $(location %s) --fractions \"$$fractions\" " % TECH +
              "--target //artifacts:%s_table7_cost " % net +
              "--db $(location %s_table7_accel_sim.db) --cost-out-dir $$tmp > /dev/null 2> >(tail -c 4000 >&2) && " % net +
              "mv $$tmp/%s_fixed32_16.cost $(location %s_table7_fixed32_16.cost)" % (network, net),
        message = "Pricing the Table 7 optimum's increments on the accelerator (%s)" % network,
        tags = ["manual"],
    )
    evaluation(
        name = net + "_table7_eval",
        network = network,
        dataset = dataset,
        models = [":%s_table7_models" % net],
        method_prefix = TABLE7_PREFIX,
        profile = profile,
    )
    runtime_analysis(
        name = net + "_table7_runtime",
        network = network,
        evaluation = ":%s_table7_eval" % net,
        models = [],
        cost = ":%s_table7_fixed32_16.cost" % net,
        profile = profile,
        method_prefix = TABLE7_PREFIX,
    )

def platform_timing(name, gpu, selection, srcs, method_prefix = "", after = []):
    """Times networks on this machine into `<name>.db`: its CPU (gpu = False,
    //benchmarks:platforms, one engine thread, package energy where RAPL is
    readable) or its CUDA GPU (gpu = True, //gpu:gpu_platforms, NVML board
    energy; a store with no runs where no device is usable). `selection` is
    the tool's flags saying what to time (--specs/--fractions or --models).
    The action waits for the targets in `after` (not read). Timings are
    measurements, not functions of the inputs: kept out of the disk and
    remote caches and run locally. Within one Bazel server a timing still
    runs again only when an input changes (a model, or an `after` output
    whose bytes changed: an empty GPU store stays byte-identical, so the
    timings chained after it keep their last measurement)."""
    tool = "//gpu:gpu_platforms" if gpu else "//benchmarks:platforms"
    if gpu:
        flags = "--repetitions 200 --batch-repetitions 20 --energy-seconds 1 --empty-db-without-device"
    else:
        flags = "--threads 1 --repetitions 100 --batch-repetitions 10 --energy-seconds 0.5"
    if method_prefix:
        flags += " --method-prefix " + method_prefix
    native.genrule(
        name = name,
        outs = [name + ".db"],
        srcs = srcs + after,
        tools = [tool],
        cmd = "$(location %s) %s %s --target //%s:%s --db $@ 2> >(tail -c 4000 >&2) > /dev/null" %
              (tool, selection, flags, native.package_name(), name),
        message = "Timing %s on this machine's %s" % (name, "CUDA GPU, if it has one" if gpu else "CPU"),
        tags = ["manual", "no-cache", "no-remote", "local"],
    )

def platform_timings(timings, after = []):
    """platform_timing for each dict of arguments in `timings`, in order, each
    waiting for the one before and the first for `after`: Bazel runs them
    one at a time, so that no timing shares the CPU with another (or, with
    `after` naming every experiment, with training)."""
    previous = after
    for timing in timings:
        platform_timing(after = previous, **timing)
        previous = [":" + timing["name"]]

# Test images the fixed-point check compares, per profile. The bit-accurate
# tile computes conv/fc layers as exact GEMMs (1.7-5 G MACs/s on one core):
# ALEXnet's four increments in two formats take about 15 ms an image, so
# quick's 2,000 images cost about half a minute a network.
_FIXED_POINT_IMAGES = {"smoke": "200", "quick": "2000", "paper": "9000"}

def _fixed_point_images(profile):
    if profile:
        return _FIXED_POINT_IMAGES[profile]
    return select({
        "//artifacts:profile_smoke": _FIXED_POINT_IMAGES["smoke"],
        "//artifacts:profile_paper": _FIXED_POINT_IMAGES["paper"],
        "//conditions:default": _FIXED_POINT_IMAGES["quick"],
    })

def fixed_point_check(name, network, dataset, model, profile = None):
    """Every increment of `model` in the tile's fixed-point arithmetic
    (Table 1's <32,16> and <16,10>, bit-accurate) against the float engine
    on the same test images: accuracy, agreement and the accuracy drop
    (accel_sim's model_on_accel). Outputs `<name>.db`."""
    techs = ["//accel_sim:tech/fixed32_16.tech", "//accel_sim:tech/fixed16_10.tech"]
    native.genrule(
        name = name,
        srcs = ["@datasets//:%s" % dataset, model] + techs,
        outs = [name + ".db"],
        tools = ["//accel_sim:model_on_accel"],
        cmd = ("$(location //accel_sim:model_on_accel) --model $(location %s) --dataset %s --data-root external/datasets " +
               "--threads %s --tech %s --target //artifacts:%s --db $@ --images ") % (
                  model,
                  dataset,
                  ACTION_THREADS,
                  " ".join(["$(location %s)" % t for t in techs]),
                  name,
              ) + _fixed_point_images(profile) + " 2> >(tail -c 4000 >&2)",
        message = "Fixed point against float on the tile (%s)" % network,
        tags = ["manual"],
    )

def runtime_analysis(name, network, evaluation, models, cost = None, budget = None, profile = None, optimum_out = False, method_prefix = None):
    """Tables 6-9 and the data of Figures 7 and 11 from an evaluation's
    predictions (models/runtime). Outputs `<name>.db` and `<name>_trace.csv`
    (Figure 11's per-image trace; a one-line note when no budget is given);
    with `optimum_out` also `<name>_optimum.txt`, the Table 7 optimum's
    fractions. Table 6 needs `models` (none: no Table 6)."""
    srcs = ["//models/spec:%s.net" % network, evaluation] + models
    flags = [
        "--spec $(location //models/spec:%s.net)" % network,
        # The evaluation's outputs are a shard (.db) and its predictions (.csv).
        "--predictions $$(for f in $(locations %s); do case $$f in *.csv) echo $$f;; esac; done)" % evaluation,
        "--evaluation-db $$(for f in $(locations %s); do case $$f in *.db) echo $$f;; esac; done)" % evaluation,
        "--target //artifacts:" + name,
        "--db $(location %s.db)" % name,
        # 51^3 threshold combinations for 4 increments: exhaustive and quick.
        "--threshold-step 0.02",
    ]
    if models:
        flags.append("--models " + " ".join(["$(location %s)" % m for m in models]))
    outs = [name + ".db", name + "_trace.csv"]
    if optimum_out:
        outs.append(name + "_optimum.txt")
        flags.append("--optimum-out $(location %s_optimum.txt)" % name)
    if method_prefix:
        flags.append("--method-prefix " + method_prefix)
    if cost:
        srcs.append(cost)
        flags.append("--cost $(location %s)" % cost)
    if budget:
        srcs.append(budget)
        flags.append("--budget $(location %s) --trace-out $(location %s_trace.csv)" % (budget, name))
        no_trace = ""
    else:
        no_trace = " && echo 'no budget schedule was given' > $(location %s_trace.csv)" % name
    native.genrule(
        name = name,
        srcs = srcs,
        outs = outs,
        tools = ["//models/runtime:runtime"],
        cmd = "$(location //models/runtime:runtime) " + " ".join(flags) + " --profile " + _profile(profile) +
              " 2> >(tail -c 4000 >&2)" + no_trace,
        message = "Runtime schemes for %s" % network,
        tags = ["manual"],
    )

# The accelerator configuration every operating point is priced on (the
# precision search prices its own per-layer precisions from the same tile).
TECH = "//accel_sim:tech/fixed32_16.tech"

def _related_run(name, network, dataset, tool, flags, srcs, profile, extra_outs = [], message = "", uses_solver = True):
    """One run of a related system's tool, writing the shard `<name>.db`.
    uses_solver: the tool trains (and takes --solver), else only evaluates."""
    context = _common_flags(network, dataset, uses_solver)
    native.genrule(
        name = name,
        srcs = _common_srcs(network, dataset) + [TECH] + srcs,
        outs = [name + ".db"] + extra_outs,
        tools = [tool],
        # _profile() may be a select(): concatenated, never %-formatted.
        cmd = "$(location %s) %s --seed 1 --profile " % (tool, context) + _profile(profile) +
              " --tech $(location %s) %s --db $(location %s.db) 2> >(tail -c 4000 >&2)" % (TECH, flags, name),
        message = message,
        tags = ["manual"],
    )

def related_experiments(network, dataset, profile = None, prefix = "", budget = None):
    """The related systems of issue 8 on the models of network_experiments
    (same prefix and profile): each writes the pareto_* operating points that
    //artifacts:pareto draws beside the paper's incremental model. `budget`:
    the energy budget schedule the precision search switches its points under."""
    net = prefix + network
    golden_full = ":%s_golden_100" % net
    subnets = "//models/subnets:subnets"
    _related_run(
        name = net + "_pareto_incremental",
        network = network,
        dataset = dataset,
        tool = subnets,
        srcs = [":%s_incremental_golden_init" % net],
        flags = "--method measure --method-name incremental --model $(location :%s_incremental_golden_init)" % net,
        profile = profile,
        message = "Measuring the incremental model's operating points (%s)" % network,
    )
    # The shared-weight trainers: one model file each, trained from scratch.
    for run, method, title in [
        ("slimmable", "slimmable", "Slimmable joint training"),
        ("yang_fan_singlepath", "singlepath", "Yang & Fan single-path training"),
    ]:
        _related_run(
            name = "%s_%s" % (net, run),
            network = network,
            dataset = dataset,
            tool = subnets,
            srcs = [],
            flags = "--method %s --out $(location %s_%s.model)" % (method, net, run),
            extra_outs = ["%s_%s.model" % (net, run)],
            profile = profile,
            message = "%s (%s)" % (title, network),
        )
    _related_run(
        name = net + "_yang_fan_multipath",
        network = network,
        dataset = dataset,
        tool = subnets,
        srcs = [golden_full],
        # One model file per sub-net: scratch space, only the shard is kept.
        flags = "--method multipath --background $(location %s) --out $$(mktemp -d)" % golden_full,
        profile = profile,
        message = "Yang & Fan multi-path training (%s)" % network,
    )
    _related_run(
        name = net + "_dyvedeep",
        network = network,
        dataset = dataset,
        tool = "//models/dyvedeep:dyvedeep",
        srcs = [golden_full],
        flags = "--model $(location %s)" % golden_full,
        profile = profile,
        message = "DyVEDeep effort-knob sweep (%s)" % network,
    )
    precision_srcs = [golden_full]
    precision_flags = "--model $(location %s)" % golden_full
    if budget:
        precision_srcs.append(budget)
        precision_flags += " --budget $(location %s)" % budget
    _related_run(
        name = net + "_precision",
        network = network,
        dataset = dataset,
        tool = "//models/precision:precision_search",
        srcs = precision_srcs,
        flags = precision_flags,
        profile = profile,
        message = "Peluso & Calimera per-layer precision search (%s)" % network,
        uses_solver = False,
    )
    native.filegroup(
        name = net + "_pareto_shards",
        tags = ["manual"],
        srcs = [":%s_%s" % (net, kind) for kind in ["pareto_incremental", "slimmable", "yang_fan_singlepath", "yang_fan_multipath", "dyvedeep", "precision"]],
    )
