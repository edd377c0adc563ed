"""cis216: CIS Alibaba Cloud Foundations Benchmark v2.0.0 control 2.16, as a Function Compute function."""

__version__ = "0.1.0"
