"""The findings store `cis216 setup` makes: SLS project, logstore, index and dashboard.

plan.py decides what to change (pure); index.py and dashboard.py say what is wanted; apply.py
reads the store, makes the changes and verifies them through adapters/store.py.
"""
