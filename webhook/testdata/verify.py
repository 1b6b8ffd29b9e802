# The Python snippet of the README's "Verifying a signature", verbatim
# (webhook/snippets_test.go checks that), then a small harness the test runs:
# secret and headers come from the environment, the body from stdin; it
# prints "valid" and exits 0, or prints "invalid" and exits 1.

import base64
import hashlib
import hmac
import time

TOLERANCE_SECONDS = 5 * 60


def verify_ferry_webhook(secret, headers, raw_body, now=None):
    """Check webhook-signature with the secret Ferry showed you (whsec_...).

    headers: a case-insensitive mapping (Flask's or Django's request.headers)
    or a dict with lower-case names. raw_body: the exact bytes received.
    """
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not msg_id or not timestamp or not signatures:
        return False
    # The timestamp is signed; refuse one more than 5 minutes off, so a
    # captured request cannot be replayed later.
    if not (timestamp.isascii() and timestamp.isdigit()):
        return False
    now = int(time.time()) if now is None else now
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False

    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + raw_body
    expected = hmac.new(key, signed, hashlib.sha256).digest()
    # During a key rotation there are several, space-separated: any one will do.
    for entry in signatures.split(" "):
        version, _, signature = entry.partition(",")
        if version != "v1":
            continue
        try:
            given = base64.b64decode(signature, validate=True)
        except ValueError:
            continue
        # compare_digest compares in constant time: timing reveals nothing.
        if hmac.compare_digest(given, expected):
            return True
    return False


# The harness, not part of the README.
import os  # noqa: E402
import sys  # noqa: E402


def main():
    names = {
        "webhook-id": "WEBHOOK_ID",
        "webhook-timestamp": "WEBHOOK_TIMESTAMP",
        "webhook-signature": "WEBHOOK_SIGNATURE",
    }
    headers = {name: os.environ[var] for name, var in names.items() if os.environ.get(var)}
    body = sys.stdin.buffer.read()
    now = int(os.environ["NOW"]) if os.environ.get("NOW") else None
    ok = verify_ferry_webhook(os.environ["FERRY_SECRET"], headers, body, now)
    print("valid" if ok else "invalid")
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        code = main()
    except Exception as err:  # a crash must not look like a rejection
        print(repr(err), file=sys.stderr)
        code = 2
    sys.exit(code)
