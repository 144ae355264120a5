#!/bin/sh
# The complaints read model gets its own role and database beside Temporal's (run once, by the
# postgres image, when its data volume is empty). Password from COMPLAINTS_DB_PASSWORD.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v password="$COMPLAINTS_DB_PASSWORD" <<'SQL'
CREATE ROLE complaints LOGIN PASSWORD :'password';
CREATE DATABASE complaints OWNER complaints;
SQL
