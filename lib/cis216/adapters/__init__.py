"""Cloud I/O: SDK calls turned into snapshot dicts, findings turned into SLS logs.

Every answer's shape is checked where it enters (answers.py); a failed call is one CallError
(calls.py), classified by HTTP status first, and one that got no answer names the host and the
cause (transport.py). SDK modules are imported inside functions, so importing `cis216.adapters` is
cheap (cold start).
"""
