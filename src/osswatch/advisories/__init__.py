"""Known vulnerabilities: OSV records, their store and sync, and matching them to components."""
