"""Emulated Resource Directory (resourcemanager 2020-03-31): ListAccounts, ListAccountsForParent,
GetResourceDirectory, GetAccount."""
