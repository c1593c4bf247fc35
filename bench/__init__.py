"""Load benchmarks (not tests). See bench/README.md."""
