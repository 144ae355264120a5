"""Staff accounts: users and their roles, signing in (with its throttle) and the audit log of what staff did."""
