#!/bin/sh
# Start-up wrapper: print the settings, then replace the shell with the command (CMD),
# so the service is PID 1 and receives SIGTERM from `docker stop`.
set -e
echo "python-service starting on port ${PORT:-8000}"
exec "$@"
