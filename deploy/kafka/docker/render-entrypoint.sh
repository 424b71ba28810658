#!/usr/bin/env bash
# Entry point of the Kafka private service on Render (deploy/kafka/docker/Dockerfile).
#  - advertises PLAINTEXT://<KAFKA_ADVERTISED_HOST>:<port>; without KAFKA_ADVERTISED_HOST it uses this
#    instance's private-network address, which the other services reach directly;
#  - makes the data directory (on the service's disk, mounted as root) writable by the image's
#    unprivileged user, then starts the image's own launcher as that user.
set -euo pipefail

port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
host="${KAFKA_ADVERTISED_HOST:-$(hostname -i | awk '{print $1}')}"

export KAFKA_LISTENERS="${KAFKA_LISTENERS:-PLAINTEXT://:${port},CONTROLLER://:${controller_port}}"
export KAFKA_ADVERTISED_LISTENERS="${KAFKA_ADVERTISED_LISTENERS:-PLAINTEXT://${host}:${port}}"
export KAFKA_CONTROLLER_QUORUM_VOTERS="${KAFKA_CONTROLLER_QUORUM_VOTERS:-${KAFKA_NODE_ID:-1}@localhost:${controller_port}}"
: "${KAFKA_LOG_DIRS:?KAFKA_LOG_DIRS must name a directory on the disk}"
: "${CLUSTER_ID:?CLUSTER_ID must be set (22 characters, base64url)}"

echo "kafka: advertising ${KAFKA_ADVERTISED_LISTENERS}, data in ${KAFKA_LOG_DIRS}"
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$KAFKA_LOG_DIRS"
  chown -R appuser "$KAFKA_LOG_DIRS"
  # -p keeps the environment (every KAFKA_* setting) for the launcher.
  exec su -p -s /bin/bash appuser -c /etc/kafka/docker/run
fi
exec /etc/kafka/docker/run
