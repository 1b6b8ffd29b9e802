package config

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// Var documents one environment variable. Load takes defaults from here, so
// the README table and `ferry --help` (both rendered from Vars) cannot drift
// from what the code does.
type Var struct {
	Name        string // the environment variable
	Default     string // applied when unset; "" means none
	Description string // one line for --help, the README and "is required" errors
}

// Vars lists every variable Ferry reads, in the order they are documented.
var Vars = []Var{
	{Name: "DATABASE_URL", Description: "PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/ferry?sslmode=disable"},
	{Name: "REDIS_URL", Default: "redis://127.0.0.1:6379/0", Description: "Redis URL (work queue, pub/sub, concurrency limits; PostgreSQL stays the record)"},
	{Name: "PORT", Default: "8080", Description: "HTTP port of the API"},
	{Name: "FERRY_WORKER_ADDR", Default: ":9090", Description: "host:port where ferry worker serves /metrics, /healthz and /readyz, or off; serve and api answer them on PORT"},
	{Name: "FERRY_ADMIN_TOKEN", Description: "the admin bearer token for serve and api, at least 32 characters, e.g. from `openssl rand -hex 32`"},
	{Name: "FERRY_ENCRYPTION_KEY", Description: "32 random bytes, standard base64, that encrypt signing secrets and configurations' headers at rest (AES-256-GCM), e.g. from `openssl rand -base64 32`"},
	{Name: "FERRY_ALLOW_INSECURE_URLS", Default: "false", Description: "true allows http:// and private/loopback targets (development and tests only)"},
	{Name: "FERRY_EGRESS_PROXY", Description: "http:// or https:// URL of an HTTP CONNECT proxy (e.g. smokescreen) that every webhook request goes through, for a fixed source IP; user:password@ allowed; unset sends directly"},
	{Name: "FERRY_SHUTDOWN_TIMEOUT", Default: "30s", Description: "how long SIGTERM waits for requests and deliveries in flight"},
	{Name: "FERRY_LOG_FORMAT", Default: "json", Description: "json or text"},
	{Name: "FERRY_LOG_LEVEL", Default: "info", Description: "debug, info, warn or error"},
	{Name: "FERRY_CPU_PROFILE", Description: "file to write a CPU profile (pprof) of this process to until it stops, for performance work; unset writes none"},
	{Name: "GOGC", Default: "200", Description: "Go's garbage collection target, as Go reads it (a percentage, or off); Ferry's default is 200, not Go's 100: about 10 % less CPU for about 1.4 times the heap"},
	{Name: "FERRY_WORKER_CONCURRENCY", Default: "100", Description: "delivery tasks one worker process runs at once (a task sends up to maxParallel requests at a time), shared fairly among accounts; a tenth more (at least 2) are kept for accounts with nothing running"},
	{Name: "FERRY_MAX_OUTBOUND_CONNECTIONS", Default: "1024", Description: "most connections to receivers one process has open at once (dialling, in use or idle), shared fairly among accounts; a request past it waits for one, within its timeout"},
	{Name: "FERRY_DASHBOARD", Default: "true", Description: "mount asynq's dashboard (asynqmon) at /asynq for the admin token"},
	{Name: "FERRY_RECOVERY_INTERVAL", Default: "30s", Description: "how often the recovery loop looks for lost work"},
	{Name: "FERRY_RECOVERY_GRACE", Default: "60s", Description: "how overdue work must be before it is re-enqueued"},
	{Name: "FERRY_RETENTION_DAYS", Default: "30", Description: "days events, deliveries and attempts are kept; 0 keeps them forever"},
	{Name: "FERRY_RETENTION_INTERVAL", Default: "1h", Description: "how often old history is deleted"},
	{Name: "FERRY_MAX_BODY_BYTES", Default: "1048576", Description: "largest /graphql request body in bytes (1 MiB); larger ones get HTTP 413"},
	{Name: "FERRY_MAX_QUERY_DEPTH", Default: "15", Description: "deepest field nesting a GraphQL operation may have"},
	{Name: "FERRY_MAX_QUERY_COMPLEXITY", Default: "100000", Description: "most fields a GraphQL operation may ask for, lists counted at their first/last size"},
	{Name: "FERRY_HTTP_READ_HEADER_TIMEOUT", Default: "10s", Description: "time a client has to send request headers"},
	{Name: "FERRY_HTTP_READ_TIMEOUT", Default: "30s", Description: "time a client has to send a whole request"},
	{Name: "FERRY_HTTP_WRITE_TIMEOUT", Default: "90s", Description: "time to answer a request (above the 60 s largest delivery timeout, for resendDelivery and sendTestEvent); websockets are exempt"},
	{Name: "FERRY_HTTP_IDLE_TIMEOUT", Default: "120s", Description: "how long an idle keep-alive connection stays open"},
	{Name: "FERRY_MAX_RESPONSE_BYTES", Default: "33554432", Description: "largest answer of a GraphQL query or subscription event in bytes (32 MiB); larger ones get one RESPONSE_TOO_LARGE error"},
	{Name: "FERRY_WS_INIT_TIMEOUT", Default: "5s", Description: "time a websocket has to send connection_init before it is closed"},
	{Name: "FERRY_WS_MAX_LIFETIME", Default: "1h", Description: "a websocket is closed (1000, clients reconnect and sign in again) this long after it signed in"},
	{Name: "FERRY_WS_IDLE_TIMEOUT", Default: "5m", Description: "a websocket running no operation for this long is closed"},
	{Name: "FERRY_WS_MAX_SOCKETS_PER_TOKEN", Default: "20", Description: "open websockets one token may hold on one API instance"},
	{Name: "FERRY_WS_MAX_SUBSCRIPTIONS", Default: "20", Description: "subscriptions one websocket may run at once"},
	{Name: "FERRY_WS_MAX_OPERATIONS", Default: "10", Description: "queries and mutations one websocket may run at once"},
	{Name: "FERRY_ALLOWED_ORIGINS", Description: "comma-separated browser origins (https://app.example.com) allowed by CORS and websocket upgrades besides the API's own; * allows any"},
	{Name: "FERRY_PUBLIC_URL", Description: "the address customers reach Ferry at (https://ferry.example.com), the base of console session URLs; unset uses each request's own scheme and Host"},
	{Name: "FERRY_RATE_LIMIT", Default: "600/1m", Description: "requests per period for each account token and each console session, across API instances; off disables"},
	{Name: "FERRY_ADMIN_RATE_LIMIT", Default: "6000/1m", Description: "requests per period for the admin token; off disables"},
	{Name: "FERRY_AUTO_DISABLE_AFTER", Default: "72h", Description: "a configuration whose deliveries have all failed for this long is switched off; 0 never"},
	{Name: "FERRY_AUTO_DISABLE_MIN_FAILURES", Default: "20", Description: "failed deliveries needed, besides the time, before a configuration is switched off"},
	{Name: "FERRY_MAX_CONFIGURATIONS_PER_ACCOUNT", Default: "1000", Description: "most configurations an account may have; more are refused with QUOTA_EXCEEDED; 0 is unlimited"},
	{Name: "FERRY_MAX_SIGNING_KEYS_PER_ACCOUNT", Default: "1000", Description: "most signing keys an account may have, revoked ones not counted; more are refused with QUOTA_EXCEEDED; 0 is unlimited"},
	{Name: "FERRY_CONSOLE_NAME", Description: "the name the console shows where a console session sets no branding.name, 1-100 characters; unset shows Ferry's own"},
	{Name: "FERRY_CONSOLE_LOGO_URL", Description: "the console's logo where a session sets no branding.logoURL: an https:// URL (at most 2048 bytes) or a data:image/png, jpeg, svg+xml or webp;base64 URL (at most 64 KiB)"},
	{Name: "FERRY_CONSOLE_PRIMARY_COLOR", Description: "the console's primary colour, #rrggbb, where a session sets no branding.primaryColor"},
}

// lookup finds name in Vars; a miss is a programming error caught by tests.
func lookup(name string) Var {
	for _, v := range Vars {
		if v.Name == name {
			return v
		}
	}
	panic("config: " + name + " is missing from Vars")
}

// Usage renders Vars as an indented table for `ferry --help`.
func Usage() string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, v := range Vars {
		def := v.Default
		if def == "" {
			def = "(no default)"
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\n", v.Name, def, v.Description)
	}
	w.Flush()
	return b.String()
}

// Markdown renders Vars as the README's table.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| variable | default | meaning |\n|---|---|---|\n")
	for _, v := range Vars {
		def := "no default"
		if v.Default != "" {
			def = "`" + v.Default + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", v.Name, def, strings.ReplaceAll(v.Description, "|", `\|`))
	}
	return b.String()
}
