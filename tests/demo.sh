#!/usr/bin/env bash
# make demo: a real CMP exchange with no outside CA.  A throwaway root and
# issuing CA, OpenSSL's mock CMP server on 127.0.0.1, one enrollment
# through cmpenroll, the certificate and chain on stdout; then clean up.
set -u
bin=$(realpath "${1:-./cmpenroll}")
dir=$(mktemp -d "${TMPDIR:-/tmp}/cmpenroll-demo.XXXXXX")
srv_pid=""
cleanup() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export OPENSSL_CONF=/dev/null
cd "$dir" || exit 1
quiet() { "$@" >/dev/null 2>&1 || { echo "demo: failed: $*" >&2; exit 1; }; }

echo "demo: creating a throwaway root CA, issuing CA and end-entity CSR" >&2
printf 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n' > ca.ext
quiet openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout root.key -out root.pem -subj "/CN=Demo Root CA" -days 2 \
	-addext basicConstraints=critical,CA:true
quiet openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout ca.key -out ca.csr -subj "/CN=Demo Issuing CA"
quiet openssl x509 -req -in ca.csr -CA root.pem -CAkey root.key \
	-set_serial 2 -extfile ca.ext -days 2 -out ca.pem
quiet openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout host.key -out host.csr -subj "/O=Demo/CN=host.example" \
	-addext "subjectAltName=DNS:host.example,DNS:www.host.example"
# The mock server returns a fixed certificate: issue it for the CSR.
quiet openssl x509 -req -in host.csr -CA ca.pem -CAkey ca.key \
	-set_serial 1000 -days 1 -copy_extensions copy -out host.pem

echo "demo: starting OpenSSL's mock CMP server" >&2
openssl cmp -port 0 -srv_ref demo -srv_secret pass:demo-secret \
	-rsp_cert host.pem -rsp_extracerts ca.pem -rsp_capubs root.pem \
	-accept_raverified >server.log 2>&1 &
srv_pid=$!
port=""
for _ in $(seq 50); do
	port=$(sed -n 's/^ACCEPT .*:\([0-9]*\) PID=.*/\1/p' server.log)
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { echo "demo: mock server did not start" >&2; cat server.log >&2; exit 1; }

cat > demo.ini <<INI
[CAhandler]
cmp_server = 127.0.0.1:$port
cmp_recipient = /CN=Demo Issuing CA
cmp_ref = demo
cmp_secret = pass:demo-secret
INI
chmod 600 demo.ini
echo "demo: the config (demo.ini), the secret masked:" >&2
sed 's/^\(cmp_secret *= *\).*/\1****/' demo.ini >&2

echo "demo: cmpenroll -c demo.ini host.csr" >&2
"$bin" -c demo.ini host.csr
rc=$?
echo "demo: cmpenroll exited $rc" >&2
exit $rc
