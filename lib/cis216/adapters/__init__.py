"""Cloud I/O: SDK calls turned into snapshot dicts, findings turned into SLS logs.

SDK modules are imported inside functions, so importing `cis216.adapters` is cheap (cold start).
"""
