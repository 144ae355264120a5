#!/bin/sh
# Certificates for mTLS between the complaints worker/web app and Temporal (docker-compose.yml):
# one private CA, a server certificate for the `temporal` service, and one client certificate for
# each caller (worker, web, the Temporal Web UI, and `ops` for the admin-tools container). Temporal
# refuses any connection without a client certificate signed by this CA.
#
#   deploy/make-certs.sh [DIRECTORY]      (default deploy/certs; existing files are kept)
#
# For a real deployment, issue these from the organisation's own CA instead, and keep ca.key offline.
set -eu
dir=${1:-$(dirname "$0")/certs}
days=${CERT_DAYS:-825}
mkdir -p "$dir"
cd "$dir"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }

if [ ! -f ca.pem ]; then
    key ca
    openssl req -x509 -new -key ca.key -sha256 -days "$days" -subj "/O=Complaints/CN=Complaints Temporal CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
fi

issue() {  # name, extendedKeyUsage, subjectAltName
    [ -f "$1.pem" ] && return 0
    key "$1"
    openssl req -new -key "$1.key" -subj "/O=Complaints/CN=$1" -out "$1.csr"
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\n%s\n' "$2" "$3" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days "$days" -sha256 \
        -extfile "$1.ext" -out "$1.pem" 2>/dev/null
    rm -f "$1.csr" "$1.ext"
}

# The server's certificate is also its client certificate between its own services (internode).
issue temporal serverAuth,clientAuth "subjectAltName=DNS:temporal,DNS:localhost,IP:127.0.0.1"
for caller in worker web ui ops; do
    issue "$caller" clientAuth "subjectAltName=DNS:$caller"
done
# Private keys are 0600 and the directory 0700 (issue 29, item 13): nobody else on the host reads them.
# Each container runs as its own user, so each key belongs to the UID that reads it (run as root to
# hand them over; the UIDs are the images': complaints 10001 (Dockerfile), temporal 1000, the UI 5000,
# ops (admin-tools) 1000). ca.key stays the deploy account's: move it offline once the set is issued.
chmod 0700 .
chmod 0644 ./*.pem
chmod 0600 ./*.key
if [ "$(id -u)" = 0 ]; then
    chown "${APP_UID:-10001}" worker.key web.key
    chown "${TEMPORAL_UID:-1000}" temporal.key
    chown "${UI_UID:-5000}" ui.key
    chown "${OPS_UID:-1000}" ops.key
else
    echo "not root: the keys stay yours (0600); run again with sudo to give each to the container that reads it" >&2
fi
echo "certificates in $(pwd): ca.pem, temporal, worker, web, ui, ops (.pem + .key)"
