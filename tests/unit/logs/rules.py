#!/usr/bin/env python3
"""tests/unit/logs/rules.py: a reference implementation of the rule table
proposed in FINDINGS.md, run over the captured logs.

usage: python3 tests/unit/logs/rules.py [-v]     (from anywhere)

For every line of INDEX it classifies <client>/<case>.log with the exit code
recorded there and compares the cause with EXPECTED below; it prints one line
a log and exits 1 when a log is classified otherwise than expected.  With -v
it also prints the line that decided.

It is a specification aid (python3, standard library only), not part of
cmpenroll; the C classifier is runner.c's runner_diagnose.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# sysexits
EX_DATAERR, EX_UNAVAILABLE, EX_SOFTWARE = 65, 69, 70
EX_TEMPFAIL, EX_PROTOCOL, EX_NOPERM, EX_CONFIG = 75, 76, 77, 78

# A location prefix the apps put before their own log lines:
# "setup_client_ctx:../apps/cmp.c:2053:" (3.0), "cmp_main:apps/cmp.c:3213:" (3.2+).
LOCATION = re.compile(rb"^[A-Za-z_0-9]+:(?:\.\./)?apps/[A-Za-z_0-9/]+\.c:[0-9]+:")

# Lines after which the CA's own bytes follow, unescaped (a newline in them
# starts a new line of the log): the line is classified by what precedes the
# CA's text, and no later line is looked at.
#   (regex, cause, group that is openssl's own text, or None)
STOP = [
    # PKIStatusInfo of an ERROR message (StatusString, errorDetails raw)
    (rb"^CMP error: received error:PKIStatus: ([A-Za-z]+)[;:]", "err_status", 1),
    # HTTP error status (3.0, 3.2; 3.5+ only with Content-Type pkixcmp)
    (rb"^CMP error: received error:code=([0-9]+), reason=", "http_status", 1),
    # PKIStatusInfo of a rejected ip/cp/kup (StatusString raw)
    (rb"^CMP error: request rejected by server:PKIStatus: ([A-Za-z]+)[;:]", "rej_status", 1),
    # the HTTP Content-Type header value (raw; one line)
    (rb"^CMP error: unexpected content type:", "not_cmp", None),
    # a pollRep reason (PKIFreeText, raw); the plain form is harmless
    (rb"^CMP info: received polling response(?!; checkAfter = [0-9]+ seconds$)", "polling_reason", None),
    # a proxy's reason phrase for a refused CONNECT (https through -proxy)
    (rb"^cmp: HTTP CONNECT failed, reason=", "proxy_refused", None),
    (rb"^CMP error: connect failure:reason=", "proxy_refused", None),
]

# Line rules: (regex on the line without its location prefix, cause, tier).
# Tier 1 is a specific cause: the first line (in log order) that matches one
# decides.  Tier 2 is a consequence or a summary: it decides only when no
# tier 1 line (nor a STOP line) is found.  Every regex is anchored at the
# start of the line, and names (subjects, sender) that openssl prints escaped
# are never matched: a needle inside a CA-supplied name matches nothing.
RULES = [
    # --- options and files (all before anything is sent; on stderr)
    (rb"^cmp: Unknown option: ", "bad_option", 1),
    (rb"^cmp: Can't parse ", "bad_option", 1),
    (rb"^cmp: recipient name is expected to be in the format ", "bad_option", 1),
    (rb"^CMP error: missing -server ", "bad_option", 1),
    (rb"^CMP error: must give -key or -secret ", "bad_option", 1),
    (rb"^CMP error: -total_timeout argument = [0-9]+ must not be < ", "bad_option", 1),
    (rb"^Error getting password", "secret_source", 1),
    # error-queue lines: "<thread id>:error:<code>:<lib>:<func>:<reason>:<file>:<line>:<data>"
    (rb"^(?:TID|[0-9A-F]{8,16}):error:.*:(?:maybe wrong password|empty password)$", "keypass", 1),
    (rb"^(?:TID|[0-9A-F]{8,16}):error:[0-9A-F]+:[^:]*:[^:]*:unable to get passphrase:", "keypass", 1),
    (rb"^Could not (open|read|find) ", "file", 2),
    (rb"^CMP error: cannot set up CMP context$", "setup", 2),
    # --- reaching the CA
    (rb"^CMP error: connect timeout$", "unreachable", 1),
    (rb"^CMP error: transfer timeout$", "no_answer", 1),
    (rb"^CMP error: failed reading data$", "closed", 1),
    # --- TLS
    (rb"^CMP error: certificate verify failed$", "tls_server_untrusted", 1),
    (rb"^CMP error: (?:sslv3|tlsv1|tlsv13|ssl/tls) alert (?:certificate required|unknown ca|"
     rb"bad certificate|certificate unknown|certificate revoked|certificate expired|access denied):",
     "tls_client_refused", 1),
    # the app's hints: a line of their own on stderr (3.2+), or after " : " (3.0)
    (rb"^(?:CMP error: error (?:sending|receiving):server=https://[^ ]* : )?"
     rb"(?:Server did not accept our TLS certificate|"
     rb"TLS handshake failure\. Possibly the server requires our TLS certificate)", "tls_client_refused", 1),
    (rb"^CMP error: (wrong version number|packet length too long|record layer failure)$", "not_tls", 1),
    # --- the answer
    (rb"^CMP error: missing asn1 encoding$", "not_cmp", 1),
    (rb"^CMP error: wrong pbm value$", "wrong_secret", 1),
    (rb"^CMP error: missing secret$", "missing_secret", 1),
    (rb"^CMP info:  does not match expected sender = ", "wrong_sender", 1),
    (rb"^CMP error: unexpected sender:", "wrong_sender", 1),
    (rb"^CMP error: no suitable sender cert:", "ca_cert_untrusted", 1),
    (rb"^CMP error: received \"([A-Za-z]+)\" status rather than cert$", "rej_status", 1),
    (rb"^CMP error: key values mismatch$", "key_mismatch", 1),
    (rb"^CMP error: total timeout$", "total_timeout", 1),
    # --- summaries
    (rb"^CMP error: error validating protection$", "protection", 2),
    (rb"^CMP error: certificate not accepted:", "cert_not_accepted", 2),
    (rb"^CMP error: total timeout:", "total_timeout", 2),
    (rb"^CMP error: (?:sslv3|tlsv1|tlsv13|ssl/tls) alert ", "tls_failed", 2),
    (rb"^CMP error: (transfer error|error sending|error receiving)(:|$)", "transfer", 2),
]

CAUSES = {
    # cause: (exit status, message)
    "ok": (0, "enrolled"),
    "crash": (EX_SOFTWARE, "openssl cmp died of a signal"),
    "killed": (EX_TEMPFAIL, "openssl cmp did not finish in time and was stopped"),
    "bad_option": (EX_CONFIG, "openssl cmp refused an option or its value"),
    "secret_source": (EX_CONFIG, "the secret's source (file:, env:) cannot be read"),
    "keypass": (EX_CONFIG, "a private key cannot be decrypted (wrong or missing pass phrase)"),
    "file": (EX_CONFIG, "a file named in the config cannot be read"),
    "setup": (EX_CONFIG, "openssl cmp refused the configuration"),
    "unreachable": (EX_UNAVAILABLE, "cannot reach the CA (or the proxy)"),
    "no_answer": (EX_TEMPFAIL, "the CA did not answer in time (msg_timeout)"),
    "closed": (EX_UNAVAILABLE, "the CA closed the connection without an answer"),
    "tls_server_untrusted": (EX_NOPERM, "the CA's TLS certificate does not verify"),
    "tls_client_refused": (EX_NOPERM, "the CA's TLS server refused our TLS certificate"),
    "tls_failed": (EX_UNAVAILABLE, "the TLS handshake with the CA failed"),
    "not_tls": (EX_UNAVAILABLE, "the CA does not speak TLS there"),
    "http_status": (EX_UNAVAILABLE, "the CA's web server answered with an HTTP error"),
    "not_cmp": (EX_UNAVAILABLE, "the CA's answer is not a CMP message"),
    "proxy_refused": (EX_UNAVAILABLE, "the proxy refused the connection"),
    "wrong_secret": (EX_NOPERM, "the CA's answer does not verify with our secret"),
    "missing_secret": (EX_NOPERM, "the CA's answer is protected with a secret; none is configured"),
    "wrong_sender": (EX_NOPERM, "the CA's answer is signed by another certificate than cmp_srvcert"),
    "ca_cert_untrusted": (EX_NOPERM, "the CA's signing certificate does not verify (cmp_trusted)"),
    "protection": (EX_NOPERM, "the CA's answer does not verify"),
    "rejected": (EX_NOPERM, "the CA refused the request"),
    "waiting": (EX_TEMPFAIL, "the CA is still processing the request; try again later"),
    "ca_error": (EX_NOPERM, "the CA answered with an error"),
    "poll_unsupported": (EX_PROTOCOL, "the CA asks us to poll for its answer (to certConf, rr or "
                         "genm), which openssl before 3.3 cannot do"),
    "polling_reason": (EX_TEMPFAIL, "the CA asked us to wait"),
    "key_mismatch": (EX_DATAERR, "the CA returned a certificate for another key than the CSR's"),
    "cert_not_accepted": (EX_DATAERR, "the CA's certificate was not accepted"),
    "total_timeout": (EX_TEMPFAIL, "the CA did not finish in time (total_timeout)"),
    "transfer": (EX_UNAVAILABLE, "transfer to the CA failed"),
    "unknown": (EX_SOFTWARE, "openssl cmp failed"),
}


def refine(cause, m, group):
    """A PKIStatus: openssl's own name of it decides (never the CA's text)."""
    if cause not in ("rej_status", "err_status"):
        return cause
    if m.group(group) == b"waiting":
        # an ERROR message with status waiting: a 3.3+ CA delays its answer
        # to certConf, rr or genm; only a 3.3+ client polls for it, and an
        # older one ends with this line (the certificate may be issued)
        return "poll_unsupported" if cause == "err_status" else "waiting"
    return "rejected" if cause == "rej_status" else "ca_error"


def classify(log: bytes, rc: int):
    """(cause, deciding line) for one run."""
    if rc == 0:
        return "ok", b""
    if rc == 124:   # capture.sh's `timeout` (cmpenroll: its own deadline)
        return "killed", b""
    if rc > 128:    # a signal (139: SIGSEGV)
        return "crash", b""
    generic = None
    for raw in log.split(b"\n"):
        line = LOCATION.sub(b"", raw, count=1)
        for rx, cause, group in STOP:
            m = re.match(rx, line)
            if m:
                return refine(cause, m, group), raw
        for rx, cause, tier in RULES:
            m = re.match(rx, line)
            if not m:
                continue
            if tier == 1:
                return refine(cause, m, 1), raw
            if generic is None:
                generic = (cause, raw)
            break
    return generic if generic else ("unknown", b"")


# What each case is, by client version where they differ ("*": all).
EXPECTED = {
    "success": "ok", "sig_success": "ok", "kur_success": "ok", "tls_success": "ok",
    "recipient_quoted": "ok", "recipient_quoted_v8": "ok",
    "wrong_secret": "wrong_secret",
    "missing_secret": "bad_option",
    "missing_secret_unprotected": "missing_secret",
    "secret_file_unreadable": "secret_source", "secret_env_unset": "secret_source",
    "no_server": "bad_option", "recipient_mixed": "bad_option",
    "unknown_option": "bad_option", "bad_number": "bad_option",
    "connect_refused": "unreachable", "connect_refused_total": "unreachable",
    "connect_refused_notimeout": "killed", "unresolvable": "unreachable",
    "silent": "no_answer", "silent_total": "bad_option",
    "silent_total_eq": "no_answer", "silent_total_msg0": "no_answer",
    "http_500": {"3.0": "http_status", "3.2": "http_status", "*": "not_cmp"},
    "http_500_evil": {"3.0": "http_status", "3.2": "http_status", "*": "not_cmp"},
    "http_500_pkix": {"3.0": "http_status", "3.2": "http_status", "*": "not_cmp"},
    "http_200_not_cmp_text": "not_cmp", "http_200_not_cmp_pkix": "not_cmp",
    "http_200_evil_ctype": "not_cmp",
    "rejection": "rejected", "rejection_evil": "rejected", "rejection_evil_v7": "rejected",
    "error_msg": "ca_error",
    "polling_total_timeout": "total_timeout",
    "delayed_confirm": {"3.0": "poll_unsupported", "3.2": "poll_unsupported", "*": "ok"},
    "delayed_rr": {"3.0": "poll_unsupported", "3.2": "poll_unsupported", "*": "ok"},
    "kur_unknown_oldcert": "ca_error",
    "bad_key_file": "file", "bad_key_notpem": "file", "bad_cert_file": "file",
    "bad_trusted_file": "file",
    "wrong_keypass": "keypass", "encrypted_key_no_keypass": "keypass",
    "encrypted_key_no_keypass_nobatch": "keypass",
    "bad_srvcert": "wrong_sender", "bad_srvcert_evil": "wrong_sender",
    "untrusted_server": "ca_cert_untrusted", "untrusted_server_evil": "ca_cert_untrusted",
    "tls_untrusted": "tls_server_untrusted", "tls_hostname": "tls_server_untrusted",
    # the TLS server's refusal races with our request: sometimes only a
    # broken pipe or a bare "error sending" is left to see
    "tls_client_refused_nocert": ("tls_client_refused", "transfer"),
    "tls_client_refused_untrusted": ("tls_client_refused", "transfer"),
    "tls12_client_refused_nocert": "tls_client_refused",
    "tls12_client_refused_untrusted": "tls_client_refused",
    "tls_wrong_keypass": "keypass",
    "tls_plain_to_tls": "closed", "tls_to_plain": "not_tls",
    "proxy_unreachable": "unreachable",
    "leaf_other_key": "key_mismatch", "leaf_other_key_evil": "key_mismatch",
    "genm_cacerts": "ok",
    "genm_rootcacert": {"3.0": "bad_option", "*": "crash"},
    "genm_rootcacert_trusted": {"3.0": "bad_option", "*": "ok"},
    "genm_rootcacert_srv_crash": {"3.0": "bad_option", "*": "closed"},
    "proxy_connect_refused": "proxy_refused",
}


def expected(case, version):
    e = EXPECTED.get(case)
    if isinstance(e, dict):
        e = e.get(version, e.get("*"))
    if e is None:
        return ()
    return e if isinstance(e, tuple) else (e,)


def main():
    verbose = "-v" in sys.argv[1:]
    bad = 0
    with open(os.path.join(HERE, "INDEX"), encoding="utf-8", errors="replace") as f:
        for row in f:
            if row.startswith("#") or not row.strip():
                continue
            case, version, _server, rc = row.rstrip("\n").split("\t")[:4]
            with open(os.path.join(HERE, version, case + ".log"), "rb") as lf:
                log = lf.read()
            cause, line = classify(log, int(rc))
            status, what = CAUSES[cause]
            want = expected(case, version)
            flag = "ok " if cause in want else "BAD"
            if cause not in want:
                bad += 1
            print(f"{flag} {case:34} {version} rc={rc:<3} -> {status:2} {cause}"
                  + ("" if cause in want else f"  (expected {'/'.join(want) or '?'})"))
            if verbose and line:
                print("      " + line.decode("latin-1").encode("unicode_escape").decode())
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
