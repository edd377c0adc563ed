"""Constants of the adapter tests."""

ACCOUNT = "1234567890123456"
