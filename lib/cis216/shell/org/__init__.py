"""Organisation mode on Function Compute's own async engine (docs/organization.md).

coordinator.py lists the resource directory's members, judges the organisation trail once and queues
one worker invocation per member; worker.py scans one member with its role and combines its own
feeds with the organisation's (cis216.organization); local.py runs both in-process against the
emulated cloud. ports.py names what they need of the cloud, wiring.py builds the real adapters.
"""
