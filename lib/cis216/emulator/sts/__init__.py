"""Emulated STS (2015-04-01): GetCallerIdentity and AssumeRole."""
