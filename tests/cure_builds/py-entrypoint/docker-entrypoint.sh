#!/bin/sh
set -e
# first start: write the runtime config the service reads
if [ ! -f /tmp/greeting ]; then
  echo "${GREETING:-hello}" > /tmp/greeting
fi
"$@"
