#!/usr/bin/env bash
# Start the services the tests use (PostgreSQL on 127.0.0.1:5432, Redis on 127.0.0.1:6379) when they are down.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! port_open 5432; then
  echo "starting PostgreSQL" >&2
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  else
    echo "PostgreSQL is down and pg_ctlcluster is missing: install postgresql" >&2; exit 1
  fi
fi
if ! port_open 6379; then
  echo "starting Redis" >&2
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
for _ in $(seq 1 50); do
  if port_open 5432 && port_open 6379; then exit 0; fi
  sleep 0.2
done
echo "PostgreSQL or Redis did not come up" >&2
exit 1
