"""Emulated Function Compute 3.0: InvokeFunction (sync and async), recorded."""
