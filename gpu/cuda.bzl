"""cuda_library: a .cu file compiled by nvcc (genrule) behind a cc_library,
or, where @local_cuda found no CUDA, a host-only stub with the same header.

The object is built -fPIC (so it may go into shared libraries too) and
handed to cc_library as a precompiled .o. Link
flags point at the toolkit's lib64 (with an rpath, so binaries run without
LD_LIBRARY_PATH).
"""

load("@local_cuda//:available.bzl", "CUDA_AVAILABLE", "CUDA_PATH", "CUDA_REASON")

# One place for nvcc's flags. sm_80 (A100) and sm_90 (H100/H200) code, plus
# compute_90 PTX that newer GPUs compile at load time. CUDA 13 supports
# nothing older than sm_75.
NVCC_FLAGS = [
    "-O2",
    "-std=c++17",
    "--compiler-options=-fPIC,-Wall,-Wextra,-Wno-sign-compare",
    "-gencode=arch=compute_80,code=sm_80",
    "-gencode=arch=compute_90,code=sm_90",
    "-gencode=arch=compute_90,code=compute_90",
]

def cuda_library(name, cu_src, stub_src, hdrs, cu_hdrs = [], deps = [], cuda_libs = ["cudart", "cublas"], **kwargs):
    """A cc_library from `cu_src` (nvcc) or `stub_src` (no CUDA).

    Args:
      name: the cc_library.
      cu_src: the .cu file.
      stub_src: a .cc file implementing `hdrs` without CUDA; it sees
        @local_cuda's reason as the string macro RCDNN_NO_CUDA_REASON.
      hdrs: the library's headers (plain C++, no CUDA types).
      cu_hdrs: further headers the .cu file includes (labels).
      deps: cc deps of either form.
      cuda_libs: toolkit libraries to link (-l<name>).
      **kwargs: passed to the cc_library.
    """
    if not CUDA_AVAILABLE:
        # One Bourne-shell token: single-quoted, with only harmless characters.
        reason = "".join([c if c.isalnum() or c in " _.,:=/()-" else "_" for c in CUDA_REASON.elems()])
        native.cc_library(
            name = name,
            srcs = [stub_src],
            hdrs = hdrs,
            local_defines = ["RCDNN_NO_CUDA_REASON='\"%s\"'" % reason],
            deps = deps,
            **kwargs
        )
        return
    obj = name + "_nvcc"
    native.genrule(
        name = obj,
        srcs = [cu_src] + hdrs + cu_hdrs,
        outs = [obj + ".o"],
        cmd = " ".join([
            CUDA_PATH + "/bin/nvcc",
            " ".join(NVCC_FLAGS),
            "-I.",
            "-c $(location %s)" % cu_src,
            "-o $@",
        ]),
        message = "nvcc " + cu_src,
    )
    native.cc_library(
        name = name,
        srcs = [":%s.o" % obj],
        hdrs = hdrs,
        linkopts = [
            "-L" + CUDA_PATH + "/lib64",
            "-Wl,-rpath," + CUDA_PATH + "/lib64",
        ] + ["-l" + lib for lib in cuda_libs],
        deps = deps,
        **kwargs
    )
