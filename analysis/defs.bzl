"""`bazel run` targets that render paper artifacts from result shards.

    load("//analysis:defs.bzl", "render_target")
    render_target(name = "fig9", artifact = "fig9", shards = [":lenet_shards"])

`bazel run //artifacts:fig9` then builds the shards (the experiments, as
cached Bazel actions), merges them into artifacts/out/results.db in the
workspace and writes fig9.{png,svg,csv,md} there (RCDNN_ARTIFACTS_OUT
overrides the folder). artifact = "all" also writes report.html.
"""

def render_target(name, artifact, shards, **kwargs):
    native.sh_binary(
        name = name,
        srcs = ["//analysis:render_run.sh"],
        data = ["//analysis:render"] + shards,
        args = [artifact] + ["$(locations %s)" % s for s in shards],
        **kwargs
    )
