"""One library per concept with its test beside it (ruy's layout)."""

def accel_library(name, deps = [], test_data = [], visibility = None, copts = []):
    """cc_library `name` from name.{h,cc} and cc_test `name_test` from name_test.cc."""
    native.cc_library(
        name = name,
        srcs = [name + ".cc"],
        hdrs = [name + ".h"],
        copts = copts,
        deps = deps,
        visibility = visibility,
    )
    native.cc_test(
        name = name + "_test",
        size = "small",
        srcs = [name + "_test.cc"],
        data = test_data,
        deps = [":" + name, "//third_party:gtest_main"],
    )
