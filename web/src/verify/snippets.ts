// The code the "Verifying requests" screen shows. The three verifiers are the
// README's "Verifying a signature" blocks verbatim, which webhook/ runs
// against the Go package (webhook/testdata/verify.*, example_test.go);
// snippets.test.ts fails if these copies drift from them by a single byte.

// What Ferry sets on every signed request (internal/adapter/sender/message.go).
export const ferryHeaders = [
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'X-Signature',
  'X-Ferry-Event-Id',
  'X-Ferry-Configuration-Id',
  'X-Ferry-Delivery-Id',
  'X-Ferry-Attempt',
] as const;

export type FerryHeader = (typeof ferryHeaders)[number];

// The headers whose values the signature covers; the X-Ferry-* ones are not signed.
export const signedHeaders: readonly FerryHeader[] = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];

export const goModule = 'github.com/ferryhq/ferry/webhook';

export const goInstall = `go get ${goModule}`;

// README (Go): the webhook package's middleware verifies, answers the URL check and passes events on.
export const goVerifier = `verifier, err := webhook.NewVerifier(os.Getenv("FERRY_WEBHOOK_SECRET"))
if err != nil {
	log.Fatal(err) // says what is wrong with the secret, never quotes it
}
http.Handle("POST /webhooks/ferry", verifier.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	event, _ := webhook.EventFrom(r.Context())
	// event.ID (deduplicate on it), event.Type, event.Data, event.OccurredAt
	log.Printf("got %s %s", event.Type, event.ID)
	w.WriteHeader(http.StatusNoContent)
})))
log.Fatal(http.ListenAndServe(":8080", nil))
`;

// README (Node.js), as in webhook/testdata/verify.js.
export const nodeVerifier = `const crypto = require("crypto");

const TOLERANCE_SECONDS = 5 * 60;

// verifyFerryWebhook checks webhook-signature with the secret Ferry showed you
// (whsec_...). headers: lower-case names, as Node's req.headers has them.
// rawBody: the exact bytes received (a Buffer), never re-serialised JSON.
function verifyFerryWebhook(secret, headers, rawBody, nowSeconds = Math.floor(Date.now() / 1000)) {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  const signatures = headers["webhook-signature"];
  if (!id || !timestamp || !signatures) return false;
  // The timestamp is signed; refuse one more than 5 minutes off, so a
  // captured request cannot be replayed later.
  if (!/^[0-9]+$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) return false;

  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = crypto
    .createHmac("sha256", key)
    .update(\`\${id}.\${timestamp}.\`)
    .update(rawBody)
    .digest();
  // During a key rotation there are several, space-separated: any one will do.
  return signatures.split(" ").some((entry) => {
    const [version, signature] = entry.split(",");
    if (version !== "v1" || !signature) return false;
    const given = Buffer.from(signature, "base64");
    // timingSafeEqual compares in constant time: timing reveals nothing.
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
}
`;

// README (Python), as in webhook/testdata/verify.py.
export const pythonVerifier = `import base64
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
`;

// Console only: wiring the verifier into a typical handler. alreadyHandled
// and enqueue stand for the receiver's own storage and queue.
export const nodeHandler = `const express = require("express");

const app = express();

// express.raw keeps the exact bytes: parsing and re-serialising the JSON
// would change them and break the signature.
app.post("/webhooks/ferry", express.raw({ type: "application/json" }), (req, res) => {
  // Ferry's URL check (sent when a configuration is created or its URL is
  // verified) is unsigned: answer it with a 2xx and do nothing else.
  if (!req.headers["webhook-signature"] && !req.headers["x-signature"]) {
    let body = null;
    try {
      body = JSON.parse(req.body);
    } catch {}
    return res.sendStatus(body?.event === "ferry.url_verification" ? 200 : 401);
  }
  if (!verifyFerryWebhook(process.env.FERRY_WEBHOOK_SECRET, req.headers, req.body)) {
    return res.sendStatus(401);
  }
  const event = JSON.parse(req.body); // { id, event, data, sentDate }
  // Retries and resends carry the same event id (also in webhook-id and
  // X-Ferry-Event-Id): handle each id once.
  if (alreadyHandled(event.id)) return res.sendStatus(200);
  // Answer 2xx quickly and do the slow work afterwards, e.g. from a queue.
  enqueue(event);
  res.sendStatus(204);
});

app.listen(8080);
`;

export const pythonHandler = `import json
import os

from flask import Flask, request

app = Flask(__name__)


@app.post("/webhooks/ferry")
def ferry_webhook():
    raw_body = request.get_data()  # the exact bytes, never re-serialised JSON
    # Ferry's URL check (sent when a configuration is created or its URL is
    # verified) is unsigned: answer it with a 2xx and do nothing else.
    if "webhook-signature" not in request.headers and "x-signature" not in request.headers:
        try:
            body = json.loads(raw_body)
        except ValueError:
            body = None
        is_check = isinstance(body, dict) and body.get("event") == "ferry.url_verification"
        return ("", 200) if is_check else ("", 401)
    if not verify_ferry_webhook(os.environ["FERRY_WEBHOOK_SECRET"], request.headers, raw_body):
        return "", 401
    event = json.loads(raw_body)  # {"id", "event", "data", "sentDate"}
    # Retries and resends carry the same event id (also in webhook-id and
    # X-Ferry-Event-Id): handle each id once.
    if already_handled(event["id"]):
        return "", 200
    # Answer 2xx quickly and do the slow work afterwards, e.g. from a queue.
    enqueue(event)
    return "", 204
`;

// What a receiver gets, as DESIGN.md's wire format.
export const sampleBody = `{"id":"evt_01JD7X3M8Q4W5E6R7T8Y9U0I1O","event":"order.paid","data":{"orderId":42},"sentDate":"2026-11-04T18:34:23.023Z"}`;

export type SnippetLanguage = 'go' | 'node' | 'python';

export interface Snippet {
  language: SnippetLanguage;
  label: string;
  blocks: { id: string; code: string }[];
}

export const snippets: Snippet[] = [
  { language: 'go', label: 'Go', blocks: [{ id: 'install', code: `${goInstall}\n` }, { id: 'verifier', code: goVerifier }] },
  {
    language: 'node',
    label: 'Node.js',
    blocks: [
      { id: 'verifier', code: nodeVerifier },
      { id: 'handler', code: nodeHandler },
    ],
  },
  {
    language: 'python',
    label: 'Python',
    blocks: [
      { id: 'verifier', code: pythonVerifier },
      { id: 'handler', code: pythonHandler },
    ],
  },
];
