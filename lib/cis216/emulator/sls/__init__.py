"""Emulated Log Service (SLS) classic REST API: projects, logstores, indexes, alert listing, PutLogs, GetLogs."""
