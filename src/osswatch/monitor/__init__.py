"""Server-mode monitoring: the portfolio of projects, their snapshots, findings over time, and triage.

`Portfolio` is the repository over the database; `ingest` records a `ScanResult` as a snapshot;
`findings`, `triage` and `affected` answer questions about what was recorded. The web layer and the
workers call these; none of them knows about HTTP.
"""
