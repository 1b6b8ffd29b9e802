// The Node.js snippet of the README's "Verifying a signature", verbatim
// (webhook/snippets_test.go checks that), then a small harness the test runs:
// secret and headers come from the environment, the body from stdin; it
// prints "valid" and exits 0, or prints "invalid" and exits 1.

const crypto = require("crypto");

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
    .update(`${id}.${timestamp}.`)
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

// The harness, not part of the README.
function main() {
  const env = process.env;
  const headers = {};
  for (const [name, variable] of [
    ["webhook-id", "WEBHOOK_ID"],
    ["webhook-timestamp", "WEBHOOK_TIMESTAMP"],
    ["webhook-signature", "WEBHOOK_SIGNATURE"],
  ]) {
    if (env[variable]) headers[name] = env[variable];
  }
  const body = require("fs").readFileSync(0);
  const now = env.NOW ? Number(env.NOW) : undefined;
  const ok = verifyFerryWebhook(env.FERRY_SECRET, headers, body, now);
  console.log(ok ? "valid" : "invalid");
  process.exitCode = ok ? 0 : 1;
}

try {
  main();
} catch (err) {
  console.error(err);
  process.exitCode = 2;
}
