"""Emulated Log Service (SLS) classic REST API: projects, logstores, indexes, alerts, PutLogs."""
