// Package config reads Ferry's settings from the environment once, at start-up,
// and hands them to the process as a value; nothing else reads the environment.
package config

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhq/ferry/internal/adapter/secrets"
	"github.com/ferryhq/ferry/internal/domain/branding"
)

// MinAdminTokenLen is the shortest accepted FERRY_ADMIN_TOKEN; shorter tokens
// are guessable and the admin token can reach every account.
const MinAdminTokenLen = 32

// Config is the whole configuration of a Ferry process.
type Config struct {
	DatabaseURL       string        // DATABASE_URL
	RedisURL          string        // REDIS_URL
	Port              int           // PORT
	WorkerAddr        string        // FERRY_WORKER_ADDR: "" serves nothing
	AdminToken        string        // FERRY_ADMIN_TOKEN
	EncryptionKey     []byte        // FERRY_ENCRYPTION_KEY, decoded
	AllowInsecureURLs bool          // FERRY_ALLOW_INSECURE_URLS
	EgressProxy       *url.URL      // FERRY_EGRESS_PROXY: nil sends directly
	CPUProfile        string        // FERRY_CPU_PROFILE: "" writes no profile
	GCPercent         int           // GOGC: -1 is off; ApplyGC sets it
	ShutdownTimeout   time.Duration // FERRY_SHUTDOWN_TIMEOUT
	LogFormat         string        // FERRY_LOG_FORMAT: "json" or "text"
	LogLevel          slog.Level    // FERRY_LOG_LEVEL
	WorkerConcurrency int           // FERRY_WORKER_CONCURRENCY
	MaxOutboundConns  int           // FERRY_MAX_OUTBOUND_CONNECTIONS
	Dashboard         bool          // FERRY_DASHBOARD
	RecoveryInterval  time.Duration // FERRY_RECOVERY_INTERVAL
	RecoveryGrace     time.Duration // FERRY_RECOVERY_GRACE
	RetentionDays     int           // FERRY_RETENTION_DAYS: 0 keeps history forever
	RetentionInterval time.Duration // FERRY_RETENTION_INTERVAL

	MaxBodyBytes       int64         // FERRY_MAX_BODY_BYTES: largest /graphql request body
	MaxQueryDepth      int           // FERRY_MAX_QUERY_DEPTH
	MaxQueryComplexity int           // FERRY_MAX_QUERY_COMPLEXITY
	ReadHeaderTimeout  time.Duration // FERRY_HTTP_READ_HEADER_TIMEOUT
	ReadTimeout        time.Duration // FERRY_HTTP_READ_TIMEOUT
	WriteTimeout       time.Duration // FERRY_HTTP_WRITE_TIMEOUT
	IdleTimeout        time.Duration // FERRY_HTTP_IDLE_TIMEOUT
	MaxResponseBytes   int           // FERRY_MAX_RESPONSE_BYTES
	Websockets         Websockets    // FERRY_WS_*
	AllowedOrigins     []string      // FERRY_ALLOWED_ORIGINS: browser origins besides the API's own ("*": any)
	PublicURL          string        // FERRY_PUBLIC_URL: scheme://host[:port][/path], no trailing slash; "" uses each request's own
	RateLimit          Rate          // FERRY_RATE_LIMIT: per account token
	AdminRateLimit     Rate          // FERRY_ADMIN_RATE_LIMIT: for the admin token
	AutoDisableAfter   time.Duration // FERRY_AUTO_DISABLE_AFTER: 0 never switches configurations off
	AutoDisableMin     int           // FERRY_AUTO_DISABLE_MIN_FAILURES

	MaxConfigurationsPerAccount int // FERRY_MAX_CONFIGURATIONS_PER_ACCOUNT: 0 is unlimited
	MaxSigningKeysPerAccount    int // FERRY_MAX_SIGNING_KEYS_PER_ACCOUNT: 0 is unlimited; revoked keys do not count

	// Branding is the console's look where a session sets none
	// (FERRY_CONSOLE_NAME, FERRY_CONSOLE_LOGO_URL, FERRY_CONSOLE_PRIMARY_COLOR).
	Branding branding.Branding
}

// Websockets are the rules of the API's websockets.
type Websockets struct {
	InitTimeout      time.Duration // FERRY_WS_INIT_TIMEOUT
	MaxLifetime      time.Duration // FERRY_WS_MAX_LIFETIME
	IdleTimeout      time.Duration // FERRY_WS_IDLE_TIMEOUT
	MaxPerToken      int           // FERRY_WS_MAX_SOCKETS_PER_TOKEN
	MaxSubscriptions int           // FERRY_WS_MAX_SUBSCRIPTIONS
	MaxOperations    int           // FERRY_WS_MAX_OPERATIONS
}

// Rate is a request budget: Requests per Period. The zero Rate is unlimited.
type Rate struct {
	Requests int
	Period   time.Duration
}

// Unlimited reports whether r sets no limit.
func (r Rate) Unlimited() bool { return r.Requests <= 0 || r.Period <= 0 }

// String is r as it is written in the environment, e.g. "600/1m0s".
func (r Rate) String() string {
	if r.Unlimited() {
		return "off"
	}
	return fmt.Sprintf("%d/%s", r.Requests, r.Period)
}

// Need says which variables a process requires: `migrate` needs only the
// database, while `api` and `worker` need more.
type Need struct {
	Database   bool // DATABASE_URL
	Redis      bool // REDIS_URL has a default, so this only documents intent
	Admin      bool // FERRY_ADMIN_TOKEN
	Encryption bool // FERRY_ENCRYPTION_KEY
}

// Load reads the configuration through getenv (os.Getenv in production, a map
// in tests). It reports every problem at once, joined, so one run shows all
// that must be fixed. An empty variable counts as unset.
func Load(getenv func(string) string, need Need) (Config, error) {
	l := loader{getenv: getenv}
	c := Config{
		DatabaseURL:       l.databaseURL(need.Database),
		RedisURL:          l.redisURL(),
		Port:              l.intRange("PORT", 1, 65535),
		WorkerAddr:        l.listenAddr("FERRY_WORKER_ADDR"),
		AdminToken:        l.adminToken(need.Admin),
		EncryptionKey:     l.encryptionKey(need.Encryption),
		AllowInsecureURLs: l.boolean("FERRY_ALLOW_INSECURE_URLS"),
		EgressProxy:       l.egressProxy(),
		ShutdownTimeout:   l.duration("FERRY_SHUTDOWN_TIMEOUT"),
		LogFormat:         l.oneOf("FERRY_LOG_FORMAT", "json", "text"),
		LogLevel:          l.logLevel(),
		CPUProfile:        l.raw("FERRY_CPU_PROFILE"),
		GCPercent:         l.gcPercent(),
		WorkerConcurrency: l.intRange("FERRY_WORKER_CONCURRENCY", 1, 10000),
		MaxOutboundConns:  l.intRange("FERRY_MAX_OUTBOUND_CONNECTIONS", 1, 1_000_000),
		Dashboard:         l.boolean("FERRY_DASHBOARD"),
		RecoveryInterval:  l.duration("FERRY_RECOVERY_INTERVAL"),
		RecoveryGrace:     l.duration("FERRY_RECOVERY_GRACE"),
		RetentionDays:     l.intRange("FERRY_RETENTION_DAYS", 0, 3650),
		RetentionInterval: l.duration("FERRY_RETENTION_INTERVAL"),

		MaxBodyBytes:       int64(l.intRange("FERRY_MAX_BODY_BYTES", 1024, 64<<20)),
		MaxQueryDepth:      l.intRange("FERRY_MAX_QUERY_DEPTH", 2, 100),
		MaxQueryComplexity: l.intRange("FERRY_MAX_QUERY_COMPLEXITY", 10, 100_000_000),
		ReadHeaderTimeout:  l.duration("FERRY_HTTP_READ_HEADER_TIMEOUT"),
		ReadTimeout:        l.duration("FERRY_HTTP_READ_TIMEOUT"),
		WriteTimeout:       l.duration("FERRY_HTTP_WRITE_TIMEOUT"),
		IdleTimeout:        l.duration("FERRY_HTTP_IDLE_TIMEOUT"),
		MaxResponseBytes:   l.intRange("FERRY_MAX_RESPONSE_BYTES", 64<<10, 1<<30),
		Websockets: Websockets{
			InitTimeout:      l.duration("FERRY_WS_INIT_TIMEOUT"),
			MaxLifetime:      l.duration("FERRY_WS_MAX_LIFETIME"),
			IdleTimeout:      l.duration("FERRY_WS_IDLE_TIMEOUT"),
			MaxPerToken:      l.intRange("FERRY_WS_MAX_SOCKETS_PER_TOKEN", 1, 100_000),
			MaxSubscriptions: l.intRange("FERRY_WS_MAX_SUBSCRIPTIONS", 1, 10_000),
			MaxOperations:    l.intRange("FERRY_WS_MAX_OPERATIONS", 1, 10_000),
		},
		AllowedOrigins:   l.origins("FERRY_ALLOWED_ORIGINS"),
		PublicURL:        l.publicURL(),
		RateLimit:        l.rate("FERRY_RATE_LIMIT"),
		AdminRateLimit:   l.rate("FERRY_ADMIN_RATE_LIMIT"),
		AutoDisableAfter: l.durationOrZero("FERRY_AUTO_DISABLE_AFTER"),
		AutoDisableMin:   l.intRange("FERRY_AUTO_DISABLE_MIN_FAILURES", 1, 1_000_000),

		MaxConfigurationsPerAccount: l.intRange("FERRY_MAX_CONFIGURATIONS_PER_ACCOUNT", 0, 1_000_000),
		MaxSigningKeysPerAccount:    l.intRange("FERRY_MAX_SIGNING_KEYS_PER_ACCOUNT", 0, 1_000_000),

		Branding: branding.Branding{
			Name:         l.brand("FERRY_CONSOLE_NAME", branding.CheckName),
			LogoURL:      l.brand("FERRY_CONSOLE_LOGO_URL", branding.CheckLogoURL),
			PrimaryColor: l.brand("FERRY_CONSOLE_PRIMARY_COLOR", branding.CheckColor),
		},
	}
	if err := errors.Join(l.errs...); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Logger returns a logger writing to w in LogFormat at LogLevel.
func (c Config) Logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// LogValue lets a Config be logged whole without leaking its secrets.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("database_url", redactURL(c.DatabaseURL)),
		slog.String("redis_url", redactURL(c.RedisURL)),
		slog.Int("port", c.Port),
		slog.Bool("admin_token_set", c.AdminToken != ""),
		slog.Bool("encryption_key_set", len(c.EncryptionKey) > 0),
		slog.Bool("allow_insecure_urls", c.AllowInsecureURLs),
		slog.String("egress_proxy", redactProxy(c.EgressProxy)),
		slog.Duration("shutdown_timeout", c.ShutdownTimeout),
		slog.String("log_format", c.LogFormat),
		slog.String("log_level", c.LogLevel.String()),
		slog.Int("worker_concurrency", c.WorkerConcurrency),
		slog.Int("max_outbound_connections", c.MaxOutboundConns),
		slog.Duration("recovery_interval", c.RecoveryInterval),
		slog.Duration("recovery_grace", c.RecoveryGrace),
		slog.Int("retention_days", c.RetentionDays),
		slog.Duration("retention_interval", c.RetentionInterval),
		slog.Int64("max_body_bytes", c.MaxBodyBytes),
		slog.Int("max_query_depth", c.MaxQueryDepth),
		slog.Int("max_query_complexity", c.MaxQueryComplexity),
		slog.Duration("http_read_header_timeout", c.ReadHeaderTimeout),
		slog.Duration("http_read_timeout", c.ReadTimeout),
		slog.Duration("http_write_timeout", c.WriteTimeout),
		slog.Duration("http_idle_timeout", c.IdleTimeout),
		slog.String("allowed_origins", strings.Join(c.AllowedOrigins, ",")),
		slog.String("public_url", c.PublicURL),
		slog.String("rate_limit", c.RateLimit.String()),
		slog.String("admin_rate_limit", c.AdminRateLimit.String()),
		slog.Duration("auto_disable_after", c.AutoDisableAfter),
		slog.Int("auto_disable_min_failures", c.AutoDisableMin),
		slog.Int("max_configurations_per_account", c.MaxConfigurationsPerAccount),
		slog.Int("max_signing_keys_per_account", c.MaxSigningKeysPerAccount),
		slog.String("console_name", orEmpty(c.Branding.Name)),
		slog.Bool("console_logo_url_set", c.Branding.LogoURL != nil),
		slog.String("console_primary_color", orEmpty(c.Branding.PrimaryColor)),
	)
}

// orEmpty is *s, or "" for nil.
func orEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// redactURL hides a password embedded in a connection URL.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable)"
	}
	return u.Redacted()
}

// redactProxy hides the proxy's password; "" means no proxy.
func redactProxy(u *url.URL) string {
	if u == nil {
		return ""
	}
	return u.Redacted()
}

// loader collects problems instead of stopping at the first, and takes
// defaults from Vars so the documented default is the one applied.
type loader struct {
	getenv func(string) string
	errs   []error
}

func (l *loader) fail(name, format string, args ...any) {
	l.errs = append(l.errs, fmt.Errorf("config: %s %s", name, fmt.Sprintf(format, args...)))
}

// raw returns the trimmed value of name, or its default from Vars when unset.
func (l *loader) raw(name string) string {
	if v := strings.TrimSpace(l.getenv(name)); v != "" {
		return v
	}
	return lookup(name).Default
}

// required reports name as missing, with its description as the hint, when
// the process needs it and it is unset.
func (l *loader) required(name string, needed bool) (string, bool) {
	v := l.raw(name)
	if v == "" && needed {
		l.fail(name, "is required (%s)", lookup(name).Description)
	}
	return v, v != ""
}

func (l *loader) databaseURL(needed bool) string {
	const name = "DATABASE_URL"
	v, ok := l.required(name, needed)
	if ok && !validURL(v, "postgres", "postgresql", "sqlite") {
		// The value is not echoed: it may carry a password.
		l.fail(name, "must be a PostgreSQL URL like postgres://user@host:5432/db?sslmode=disable (or sqlite:path for dev mode)")
	}
	return v
}

func (l *loader) redisURL() string {
	const name = "REDIS_URL"
	v := l.raw(name)
	if !validURL(v, "redis", "rediss", "unix") {
		l.fail(name, "must be a Redis URL like redis://host:6379/0")
	}
	return v
}

// validURL checks the scheme only; the drivers give better messages about
// the rest when they connect.
func validURL(s string, schemes ...string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	for _, scheme := range schemes {
		if strings.EqualFold(u.Scheme, scheme) {
			return true
		}
	}
	return false
}

// egressProxy parses FERRY_EGRESS_PROXY. A path, query or fragment is refused
// because the transport would silently ignore it: it is most likely a typo.
func (l *loader) egressProxy() *url.URL {
	const name = "FERRY_EGRESS_PROXY"
	v := l.raw(name)
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		// The value is not echoed: it may carry a password.
		l.fail(name, "must be an http:// or https:// proxy URL like http://proxy.internal:4750 (optionally http://user:password@host:port)")
		return nil
	}
	return u
}

func (l *loader) adminToken(needed bool) string {
	const name = "FERRY_ADMIN_TOKEN"
	v, ok := l.required(name, needed)
	if ok && len(v) < MinAdminTokenLen {
		l.fail(name, "must be at least %d characters; generate one with `openssl rand -hex 32`", MinAdminTokenLen)
	}
	return v
}

func (l *loader) encryptionKey(needed bool) []byte {
	const name = "FERRY_ENCRYPTION_KEY"
	v, ok := l.required(name, needed)
	if !ok {
		return nil
	}
	key, err := secrets.ParseKey(v)
	if err != nil {
		// ParseKey's errors never contain the key.
		l.fail(name, "is invalid: %s", strings.TrimPrefix(err.Error(), "secrets: "))
		return nil
	}
	return key
}

func (l *loader) intRange(name string, lo, hi int) int {
	v := l.raw(name)
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		l.fail(name, "must be an integer from %d to %d, got %q", lo, hi, v)
		return 0
	}
	return n
}

// listenAddr reads a host:port to listen on, or off ("").
func (l *loader) listenAddr(name string) string {
	v := l.raw(name)
	if v == "off" {
		return ""
	}
	_, port, err := net.SplitHostPort(v)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
		l.fail(name, "must be host:port (e.g. :9090 or 127.0.0.1:9090) or off, got %q", v)
		return ""
	}
	return v
}

// gcPercent reads GOGC as the Go runtime does: a percentage, or off.
func (l *loader) gcPercent() int {
	v := l.raw("GOGC")
	if strings.EqualFold(v, "off") {
		return -1
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		l.fail("GOGC", "must be a positive percentage like 200, or off, got %q", v)
		return 0
	}
	return n
}

// ApplyGC sets the garbage collector's target to c.GCPercent. The runtime
// read GOGC itself when it was set; this applies Ferry's default when not.
func (c Config) ApplyGC() { debug.SetGCPercent(c.GCPercent) }

func (l *loader) boolean(name string) bool {
	switch v := l.raw(name); strings.ToLower(v) {
	case "true", "1":
		return true
	case "false", "0":
		return false
	default:
		l.fail(name, "must be true, false, 1 or 0, got %q", v)
		return false
	}
}

func (l *loader) duration(name string) time.Duration {
	v := l.raw(name)
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		l.fail(name, "must be a positive Go duration like 30s or 2m, got %q", v)
		return 0
	}
	return d
}

func (l *loader) oneOf(name string, allowed ...string) string {
	v := strings.ToLower(l.raw(name))
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	l.fail(name, "must be one of %s, got %q", strings.Join(allowed, ", "), v)
	return ""
}

func (l *loader) logLevel() slog.Level {
	levels := map[string]slog.Level{
		"debug": slog.LevelDebug, "info": slog.LevelInfo,
		"warn": slog.LevelWarn, "error": slog.LevelError,
	}
	v := l.oneOf("FERRY_LOG_LEVEL", "debug", "info", "warn", "error")
	return levels[v]
}

// durationOrZero is a duration where 0 (or "off") turns the feature off.
func (l *loader) durationOrZero(name string) time.Duration {
	v := l.raw(name)
	if v == "0" || strings.EqualFold(v, "off") {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		l.fail(name, "must be a Go duration like 72h, or 0 to turn it off, got %q", v)
		return 0
	}
	return d
}

// rate parses "N/period" (e.g. 600/1m); "0" or "off" is unlimited.
func (l *loader) rate(name string) Rate {
	v := l.raw(name)
	if v == "0" || strings.EqualFold(v, "off") {
		return Rate{}
	}
	n, p, ok := strings.Cut(v, "/")
	requests, err := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err != nil || requests < 1 {
		l.fail(name, "must be requests per period like 600/1m, or off, got %q", v)
		return Rate{}
	}
	p = strings.TrimSpace(p)
	if p != "" && (p[0] < '0' || p[0] > '9') {
		p = "1" + p // "600/m" reads as 600 per 1m
	}
	period, err := time.ParseDuration(p)
	if err != nil || period < time.Second {
		l.fail(name, "must be requests per period like 600/1m (period at least 1s), got %q", v)
		return Rate{}
	}
	return Rate{Requests: requests, Period: period}
}

// publicURL parses FERRY_PUBLIC_URL. Credentials, a query or a fragment are
// refused: console URLs are built by appending to it.
func (l *loader) publicURL() string {
	const name = "FERRY_PUBLIC_URL"
	v := l.raw(name)
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		// The value is not echoed: it may carry a password.
		l.fail(name, "must be an http:// or https:// URL like https://ferry.example.com, without credentials, query or fragment")
		return ""
	}
	return strings.TrimRight(v, "/")
}

// brand reads one of the console's branding defaults, checked as a console
// session's would be; unset is nil.
func (l *loader) brand(name string, check func(field, value string) error) *string {
	v := l.raw(name)
	if v == "" {
		return nil
	}
	if err := check(name, v); err != nil {
		l.fail(name, "%s", strings.TrimPrefix(err.Error(), name+": "))
		return nil
	}
	return &v
}

// origins parses a comma-separated list of browser origins
// (scheme://host[:port]) or "*".
func (l *loader) origins(name string) []string {
	v := l.raw(name)
	if v == "" {
		return nil
	}
	var out []string
	for _, o := range strings.Split(v, ",") {
		o = strings.TrimRight(strings.TrimSpace(o), "/")
		if o == "" {
			continue
		}
		if o != "*" {
			u, err := url.Parse(o)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" {
				l.fail(name, "must be a comma-separated list of origins like https://app.example.com, or *, got %q", o)
				continue
			}
			o = strings.ToLower(o)
		}
		out = append(out, o)
	}
	return out
}
