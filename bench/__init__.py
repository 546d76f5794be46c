"""The benchmark (run.py) and its data set (seed.py), importable by the tests."""
