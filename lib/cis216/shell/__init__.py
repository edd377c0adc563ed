"""The imperative shell around the functional core: configuration, events, collection, the FC scan."""
