#!/bin/sh
# Start-up wrapper: print the settings, then run the command (CMD).
set -e
echo "python-service starting on port ${PORT:-8000}"
"$@"
