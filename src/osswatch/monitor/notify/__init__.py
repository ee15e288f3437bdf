"""Notifications (issue #6): rules per team, planned deliveries with retries, and the senders.

`rules` keeps who is told about what; `targets` checks where messages may go (no private addresses);
`messages` renders an event per channel; `channels` sends (signed webhook, Slack, SMTP); `dispatch` plans
deliveries from an ingest's outcome or expired waivers and sends the due ones (`dispatch`, `deliver_due`).
"""
