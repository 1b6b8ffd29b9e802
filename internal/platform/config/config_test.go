package config

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/url"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ferryhq/ferry/internal/domain/branding"
)

func ptr(s string) *string { return &s }

var (
	testKey     = bytes.Repeat([]byte{0xab}, 32)
	testKeyB64  = base64.StdEncoding.EncodeToString(testKey)
	testToken   = "admin-token-0123456789abcdefghijklmnop"
	testDBURL   = "postgres://ferry:hunter2@db:5432/ferry?sslmode=disable"
	needAll     = Need{Database: true, Redis: true, Admin: true, Encryption: true}
	allRequired = map[string]string{
		"DATABASE_URL":         testDBURL,
		"FERRY_ADMIN_TOKEN":    testToken,
		"FERRY_ENCRYPTION_KEY": testKeyB64,
	}
)

// env builds a getenv from base with overrides applied; an override of ""
// unsets the variable.
func env(base map[string]string, overrides ...string) func(string) string {
	m := map[string]string{}
	for k, v := range base {
		m[k] = v
	}
	for i := 0; i+1 < len(overrides); i += 2 {
		m[overrides[i]] = overrides[i+1]
	}
	return func(k string) string { return m[k] }
}

// defaults is the Config Load returns when only the required variables are set.
func defaults() Config {
	return Config{
		DatabaseURL:       testDBURL,
		RedisURL:          "redis://127.0.0.1:6379/0",
		Port:              8080,
		WorkerAddr:        ":9090",
		AdminToken:        testToken,
		EncryptionKey:     testKey,
		AllowInsecureURLs: false,
		ShutdownTimeout:   30 * time.Second,
		LogFormat:         "json",
		LogLevel:          slog.LevelInfo,
		GCPercent:         200,
		WorkerConcurrency: 100,
		MaxOutboundConns:  1024,
		Dashboard:         true,
		RecoveryInterval:  30 * time.Second,
		RecoveryGrace:     60 * time.Second,
		RetentionDays:     30,
		RetentionInterval: time.Hour,

		MaxBodyBytes:       1 << 20,
		MaxQueryDepth:      15,
		MaxQueryComplexity: 100000,
		ReadHeaderTimeout:  10 * time.Second,
		ReadTimeout:        30 * time.Second,
		WriteTimeout:       90 * time.Second,
		IdleTimeout:        120 * time.Second,
		MaxResponseBytes:   32 << 20,
		Websockets: Websockets{
			InitTimeout: 5 * time.Second, MaxLifetime: time.Hour, IdleTimeout: 5 * time.Minute,
			MaxPerToken: 20, MaxSubscriptions: 20, MaxOperations: 10,
		},
		RateLimit:        Rate{Requests: 600, Period: time.Minute},
		AdminRateLimit:   Rate{Requests: 6000, Period: time.Minute},
		AutoDisableAfter: 72 * time.Hour,
		AutoDisableMin:   20,

		MaxConfigurationsPerAccount: 1000,
		MaxSigningKeysPerAccount:    1000,
	}
}

func TestLoadValid(t *testing.T) {
	tests := []struct {
		desc   string
		getenv func(string) string
		need   Need
		want   func(c *Config)
	}{
		{
			desc:   "defaults apply when only required variables are set",
			getenv: env(allRequired),
			need:   needAll,
			want:   func(c *Config) {},
		},
		{
			desc: "every variable set",
			getenv: env(allRequired,
				"REDIS_URL", "rediss://:pw@cache:6380/2",
				"PORT", "9090",
				"FERRY_WORKER_ADDR", "127.0.0.1:9191",
				"FERRY_ALLOW_INSECURE_URLS", "true",
				"FERRY_EGRESS_PROXY", "http://ferry:pr0xy-pw@proxy.internal:4750",
				"FERRY_SHUTDOWN_TIMEOUT", "5s",
				"FERRY_LOG_FORMAT", "text",
				"FERRY_LOG_LEVEL", "debug",
				"FERRY_WORKER_CONCURRENCY", "7",
				"FERRY_MAX_OUTBOUND_CONNECTIONS", "300",
				"FERRY_DASHBOARD", "false",
				"FERRY_RECOVERY_INTERVAL", "1m",
				"FERRY_RECOVERY_GRACE", "2m30s",
				"FERRY_RETENTION_DAYS", "90",
				"FERRY_RETENTION_INTERVAL", "15m",
				"GOGC", "off",
			),
			need: needAll,
			want: func(c *Config) {
				c.GCPercent = -1
				c.RedisURL = "rediss://:pw@cache:6380/2"
				c.Port = 9090
				c.WorkerAddr = "127.0.0.1:9191"
				c.AllowInsecureURLs = true
				c.EgressProxy = mustURL("http://ferry:pr0xy-pw@proxy.internal:4750")
				c.ShutdownTimeout = 5 * time.Second
				c.LogFormat = "text"
				c.LogLevel = slog.LevelDebug
				c.WorkerConcurrency = 7
				c.MaxOutboundConns = 300
				c.Dashboard = false
				c.RecoveryInterval = time.Minute
				c.RecoveryGrace = 150 * time.Second
				c.RetentionDays = 90
				c.RetentionInterval = 15 * time.Minute
			},
		},
		{
			desc: "API limits, origins, rate limits and auto-disable",
			getenv: env(allRequired,
				"FERRY_MAX_BODY_BYTES", "65536",
				"FERRY_MAX_QUERY_DEPTH", "8",
				"FERRY_MAX_QUERY_COMPLEXITY", "5000",
				"FERRY_HTTP_READ_HEADER_TIMEOUT", "2s",
				"FERRY_HTTP_READ_TIMEOUT", "5s",
				"FERRY_HTTP_WRITE_TIMEOUT", "1m",
				"FERRY_HTTP_IDLE_TIMEOUT", "3m",
				"FERRY_ALLOWED_ORIGINS", " https://App.example.com/ , http://localhost:3000",
				"FERRY_RATE_LIMIT", "100/s",
				"FERRY_ADMIN_RATE_LIMIT", "off",
				"FERRY_AUTO_DISABLE_AFTER", "0",
				"FERRY_AUTO_DISABLE_MIN_FAILURES", "5",
				"FERRY_MAX_CONFIGURATIONS_PER_ACCOUNT", "0",
				"FERRY_MAX_SIGNING_KEYS_PER_ACCOUNT", "3",
			),
			need: needAll,
			want: func(c *Config) {
				c.MaxBodyBytes = 65536
				c.MaxQueryDepth = 8
				c.MaxQueryComplexity = 5000
				c.ReadHeaderTimeout = 2 * time.Second
				c.ReadTimeout = 5 * time.Second
				c.WriteTimeout = time.Minute
				c.IdleTimeout = 3 * time.Minute
				c.AllowedOrigins = []string{"https://app.example.com", "http://localhost:3000"}
				c.RateLimit = Rate{Requests: 100, Period: time.Second}
				c.AdminRateLimit = Rate{}
				c.AutoDisableAfter = 0
				c.AutoDisableMin = 5
				c.MaxConfigurationsPerAccount = 0
				c.MaxSigningKeysPerAccount = 3
			},
		},
		{
			desc: "console branding defaults",
			getenv: env(allRequired,
				"FERRY_CONSOLE_NAME", " Acme Webhooks ",
				"FERRY_CONSOLE_LOGO_URL", "https://cdn.acme.example/logo.svg",
				"FERRY_CONSOLE_PRIMARY_COLOR", "#0D6EFD",
			),
			need: needAll,
			want: func(c *Config) {
				c.Branding = branding.Branding{Name: ptr("Acme Webhooks"), LogoURL: ptr("https://cdn.acme.example/logo.svg"), PrimaryColor: ptr("#0D6EFD")}
			},
		},
		{
			desc:   "console logo as a data: URL",
			getenv: env(allRequired, "FERRY_CONSOLE_LOGO_URL", "data:image/png;base64,iVBORw0KGgo="),
			need:   needAll,
			want:   func(c *Config) { c.Branding.LogoURL = ptr("data:image/png;base64,iVBORw0KGgo=") },
		},
		{
			desc:   "worker endpoints off",
			getenv: env(allRequired, "FERRY_WORKER_ADDR", "off"),
			need:   needAll,
			want:   func(c *Config) { c.WorkerAddr = "" },
		},
		{
			desc:   "public URL loses its trailing slash",
			getenv: env(allRequired, "FERRY_PUBLIC_URL", "https://ferry.example.com/webhooks/"),
			need:   needAll,
			want:   func(c *Config) { c.PublicURL = "https://ferry.example.com/webhooks" },
		},
		{
			desc:   "any origin",
			getenv: env(allRequired, "FERRY_ALLOWED_ORIGINS", "*", "FERRY_RATE_LIMIT", "10/2m"),
			need:   needAll,
			want: func(c *Config) {
				c.AllowedOrigins = []string{"*"}
				c.RateLimit = Rate{Requests: 10, Period: 2 * time.Minute}
			},
		},
		{
			desc:   "retention days 0 keeps history forever",
			getenv: env(allRequired, "FERRY_RETENTION_DAYS", "0", "GOGC", "400"),
			need:   needAll,
			want:   func(c *Config) { c.RetentionDays, c.GCPercent = 0, 400 },
		},
		{
			desc:   "retention days up to ten years",
			getenv: env(allRequired, "FERRY_RETENTION_DAYS", "3650"),
			need:   needAll,
			want:   func(c *Config) { c.RetentionDays = 3650 },
		},
		{
			desc:   "insecure URLs accepts 1",
			getenv: env(allRequired, "FERRY_ALLOW_INSECURE_URLS", "1"),
			need:   needAll,
			want:   func(c *Config) { c.AllowInsecureURLs = true },
		},
		{
			desc:   "insecure URLs accepts 0 and upper case",
			getenv: env(allRequired, "FERRY_ALLOW_INSECURE_URLS", "0", "FERRY_LOG_LEVEL", "WARN"),
			need:   needAll,
			want:   func(c *Config) { c.LogLevel = slog.LevelWarn },
		},
		{
			desc:   "surrounding whitespace is ignored",
			getenv: env(allRequired, "PORT", " 8081\n", "FERRY_ENCRYPTION_KEY", testKeyB64+"\n"),
			need:   needAll,
			want:   func(c *Config) { c.Port = 8081 },
		},
		{
			desc:   "migrate needs only the database",
			getenv: env(nil, "DATABASE_URL", testDBURL),
			need:   Need{Database: true},
			want: func(c *Config) {
				c.AdminToken = ""
				c.EncryptionKey = nil
			},
		},
		{
			desc:   "postgresql scheme and error level",
			getenv: env(allRequired, "DATABASE_URL", "postgresql:///ferry?host=/run/postgresql", "FERRY_LOG_LEVEL", "error"),
			need:   needAll,
			want: func(c *Config) {
				c.DatabaseURL = "postgresql:///ferry?host=/run/postgresql"
				c.LogLevel = slog.LevelError
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			got, err := Load(tc.getenv, tc.need)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			want := defaults()
			tc.want(&want)
			if diff := cmp.Diff(want, got, compareURLs); diff != "" {
				t.Errorf("Load mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadInvalid(t *testing.T) {
	tests := []struct {
		desc   string
		getenv func(string) string
		need   Need
		want   []string // one line per problem, in Vars order
	}{
		{
			desc:   "missing required variables are all named",
			getenv: env(nil),
			need:   needAll,
			want: []string{
				"config: DATABASE_URL is required (PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/ferry?sslmode=disable)",
				"config: FERRY_ADMIN_TOKEN is required (the admin bearer token for serve and api, at least 32 characters, e.g. from `openssl rand -hex 32`)",
				"config: FERRY_ENCRYPTION_KEY is required (32 random bytes, standard base64, that encrypt signing secrets and configurations' headers at rest (AES-256-GCM), e.g. from `openssl rand -base64 32`)",
			},
		},
		{
			desc:   "only what the process needs is required",
			getenv: env(nil),
			need:   Need{Database: true},
			want: []string{
				"config: DATABASE_URL is required (PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/ferry?sslmode=disable)",
			},
		},
		{
			desc: "every invalid value is reported at once",
			getenv: env(allRequired,
				"DATABASE_URL", "mysql://root:hunter2@db/ferry",
				"REDIS_URL", "http://cache:6379",
				"PORT", "http",
				"FERRY_ALLOW_INSECURE_URLS", "yes",
				"FERRY_EGRESS_PROXY", "socks5://ferry:hunter2@proxy:1080",
				"FERRY_SHUTDOWN_TIMEOUT", "30",
				"FERRY_LOG_FORMAT", "xml",
				"FERRY_LOG_LEVEL", "verbose",
				"GOGC", "0",
				"FERRY_WORKER_CONCURRENCY", "0",
				"FERRY_MAX_OUTBOUND_CONNECTIONS", "none",
				"FERRY_RECOVERY_INTERVAL", "-1s",
				"FERRY_RECOVERY_GRACE", "0s",
				"FERRY_RETENTION_DAYS", "-1",
				"FERRY_RETENTION_INTERVAL", "hourly",
				"FERRY_MAX_BODY_BYTES", "10",
				"FERRY_ALLOWED_ORIGINS", "app.example.com",
				"FERRY_PUBLIC_URL", "ferry.example.com",
				"FERRY_RATE_LIMIT", "lots",
				"FERRY_ADMIN_RATE_LIMIT", "10/10ms",
				"FERRY_AUTO_DISABLE_AFTER", "3 days",
			),
			need: needAll,
			want: []string{
				"config: DATABASE_URL must be a PostgreSQL URL like postgres://user@host:5432/db?sslmode=disable (or sqlite:path for dev mode)",
				"config: REDIS_URL must be a Redis URL like redis://host:6379/0",
				`config: PORT must be an integer from 1 to 65535, got "http"`,
				`config: FERRY_ALLOW_INSECURE_URLS must be true, false, 1 or 0, got "yes"`,
				"config: FERRY_EGRESS_PROXY " + egressProxyHint,
				`config: FERRY_SHUTDOWN_TIMEOUT must be a positive Go duration like 30s or 2m, got "30"`,
				`config: FERRY_LOG_FORMAT must be one of json, text, got "xml"`,
				`config: FERRY_LOG_LEVEL must be one of debug, info, warn, error, got "verbose"`,
				`config: GOGC must be a positive percentage like 200, or off, got "0"`,
				`config: FERRY_WORKER_CONCURRENCY must be an integer from 1 to 10000, got "0"`,
				`config: FERRY_MAX_OUTBOUND_CONNECTIONS must be an integer from 1 to 1000000, got "none"`,
				`config: FERRY_RECOVERY_INTERVAL must be a positive Go duration like 30s or 2m, got "-1s"`,
				`config: FERRY_RECOVERY_GRACE must be a positive Go duration like 30s or 2m, got "0s"`,
				`config: FERRY_RETENTION_DAYS must be an integer from 0 to 3650, got "-1"`,
				`config: FERRY_RETENTION_INTERVAL must be a positive Go duration like 30s or 2m, got "hourly"`,
				`config: FERRY_MAX_BODY_BYTES must be an integer from 1024 to 67108864, got "10"`,
				`config: FERRY_ALLOWED_ORIGINS must be a comma-separated list of origins like https://app.example.com, or *, got "app.example.com"`,
				"config: FERRY_PUBLIC_URL must be an http:// or https:// URL like https://ferry.example.com, without credentials, query or fragment",
				`config: FERRY_RATE_LIMIT must be requests per period like 600/1m, or off, got "lots"`,
				`config: FERRY_ADMIN_RATE_LIMIT must be requests per period like 600/1m (period at least 1s), got "10/10ms"`,
				`config: FERRY_AUTO_DISABLE_AFTER must be a Go duration like 72h, or 0 to turn it off, got "3 days"`,
			},
		},
		{
			desc:   "quotas are counts, 0 for unlimited",
			getenv: env(allRequired, "FERRY_MAX_CONFIGURATIONS_PER_ACCOUNT", "-1", "FERRY_MAX_SIGNING_KEYS_PER_ACCOUNT", "many"),
			need:   needAll,
			want: []string{
				`config: FERRY_MAX_CONFIGURATIONS_PER_ACCOUNT must be an integer from 0 to 1000000, got "-1"`,
				`config: FERRY_MAX_SIGNING_KEYS_PER_ACCOUNT must be an integer from 0 to 1000000, got "many"`,
			},
		},
		{
			desc: "console branding is checked as a session's",
			getenv: env(allRequired,
				"FERRY_CONSOLE_NAME", strings.Repeat("n", 101),
				"FERRY_CONSOLE_LOGO_URL", "http://cdn.acme.example/logo.png",
				"FERRY_CONSOLE_PRIMARY_COLOR", "blue",
			),
			need: needAll,
			want: []string{
				"config: FERRY_CONSOLE_NAME must be 1-100 characters",
				"config: FERRY_CONSOLE_LOGO_URL must be an https:// URL without credentials, or a data:image/…;base64 URL",
				"config: FERRY_CONSOLE_PRIMARY_COLOR must be a colour written #rrggbb, e.g. #0d6efd",
			},
		},
		{
			desc:   "console logo of another data: type",
			getenv: env(allRequired, "FERRY_CONSOLE_LOGO_URL", "data:text/html;base64,PHNjcmlwdD4="),
			need:   needAll,
			want:   []string{"config: FERRY_CONSOLE_LOGO_URL must be a base64 data: URL of an image/png, image/jpeg, image/svg+xml or image/webp"},
		},
		{
			desc:   "public URL with a query or credentials",
			getenv: env(allRequired, "FERRY_PUBLIC_URL", "https://user:pw@ferry.example.com/?x=1"),
			need:   needAll,
			want:   []string{"config: FERRY_PUBLIC_URL must be an http:// or https:// URL like https://ferry.example.com, without credentials, query or fragment"},
		},
		{
			desc:   "retention beyond ten years",
			getenv: env(allRequired, "FERRY_RETENTION_DAYS", "3651"),
			need:   needAll,
			want:   []string{`config: FERRY_RETENTION_DAYS must be an integer from 0 to 3650, got "3651"`},
		},
		{
			desc:   "worker address without a port",
			getenv: env(allRequired, "FERRY_WORKER_ADDR", "9090"),
			need:   needAll,
			want:   []string{`config: FERRY_WORKER_ADDR must be host:port (e.g. :9090 or 127.0.0.1:9090) or off, got "9090"`},
		},
		{
			desc:   "port out of range",
			getenv: env(allRequired, "PORT", "70000"),
			need:   needAll,
			want:   []string{`config: PORT must be an integer from 1 to 65535, got "70000"`},
		},
		{
			desc:   "short admin token, even when not needed",
			getenv: env(allRequired, "FERRY_ADMIN_TOKEN", "short-secret-token"),
			need:   Need{Database: true},
			want:   []string{"config: FERRY_ADMIN_TOKEN must be at least 32 characters; generate one with `openssl rand -hex 32`"},
		},
		{
			desc:   "encryption key of the wrong length",
			getenv: env(allRequired, "FERRY_ENCRYPTION_KEY", base64.StdEncoding.EncodeToString(testKey[:16])),
			need:   needAll,
			want:   []string{"config: FERRY_ENCRYPTION_KEY is invalid: key decodes to 16 bytes, want 32; generate one with `openssl rand -base64 32`"},
		},
		{
			desc:   "encryption key not base64",
			getenv: env(allRequired, "FERRY_ENCRYPTION_KEY", "my-secret-passphrase!"),
			need:   needAll,
			want:   []string{"config: FERRY_ENCRYPTION_KEY is invalid: key is not valid standard base64; generate one with `openssl rand -base64 32`"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			got, err := Load(tc.getenv, tc.need)
			if err == nil {
				t.Fatalf("Load succeeded with %+v, want errors", got)
			}
			if diff := cmp.Diff(tc.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s", diff)
			}
			for _, secret := range []string{"hunter2", "short-secret-token", "my-secret-passphrase", testToken} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error echoes secret %q:\n%v", secret, err)
				}
			}
		})
	}
}

func TestLoggerHonoursFormatAndLevel(t *testing.T) {
	tests := []struct {
		desc   string
		format string
		level  slog.Level
		want   string // what the info line looks like; "" if filtered
	}{
		{desc: "json at info", format: "json", level: slog.LevelInfo, want: `"msg":"hello"`},
		{desc: "text at debug", format: "text", level: slog.LevelDebug, want: "msg=hello"},
		{desc: "info filtered at warn", format: "json", level: slog.LevelWarn, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			var buf bytes.Buffer
			Config{LogFormat: tc.format, LogLevel: tc.level}.Logger(&buf).Info("hello")
			if tc.want == "" {
				if buf.Len() != 0 {
					t.Errorf("logged %q, want nothing at level %v", buf.String(), tc.level)
				}
				return
			}
			if !strings.Contains(buf.String(), tc.want) {
				t.Errorf("logged %q, want it to contain %q", buf.String(), tc.want)
			}
		})
	}
}

func TestLogValueHidesSecrets(t *testing.T) {
	c := defaults()
	var buf bytes.Buffer
	c.Logger(&buf).Info("starting", "config", c)
	out := buf.String()
	for _, secret := range []string{"hunter2", testToken, testKeyB64} {
		if strings.Contains(out, secret) {
			t.Errorf("log line contains secret %q: %s", secret, out)
		}
	}
	var line struct {
		Config map[string]any `json:"config"`
	}
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	if got, want := line.Config["database_url"], "postgres://ferry:xxxxx@db:5432/ferry?sslmode=disable"; got != want {
		t.Errorf("database_url = %v, want %v", got, want)
	}
}

func TestVarsCoverEveryLoadedVariable(t *testing.T) {
	var asked []string
	getenv := func(k string) string { asked = append(asked, k); return "" }
	_, _ = Load(getenv, Need{}) // only which variables it reads matters here
	var listed []string
	for _, v := range Vars {
		listed = append(listed, v.Name)
	}
	if diff := cmp.Diff(listed, asked); diff != "" {
		t.Errorf("Vars and the variables Load reads differ (-Vars +read):\n%s", diff)
	}
	for _, v := range Vars {
		if !strings.Contains(Usage(), v.Name) || !strings.Contains(Markdown(), "`"+v.Name+"`") {
			t.Errorf("%s missing from Usage or Markdown", v.Name)
		}
	}
}

// compareURLs compares *url.URL by their text: url.Userinfo has unexported
// fields that cmp cannot look into.
var compareURLs = cmp.Comparer(func(a, b *url.URL) bool {
	return (a == nil) == (b == nil) && (a == nil || a.String() == b.String())
})

// mustURL parses a URL written in a test; a typo there is a bug in the test.
func mustURL(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	return u
}

// egressProxyHint is what every invalid FERRY_EGRESS_PROXY is told.
const egressProxyHint = "must be an http:// or https:// proxy URL like http://proxy.internal:4750 (optionally http://user:password@host:port)"

func TestLoadEgressProxy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc  string
		value string
		want  string // the parsed URL; "" for none
		valid bool
	}{
		{desc: "unset sends directly", value: "", want: "", valid: true},
		{desc: "http proxy", value: "http://proxy.internal:4750", want: "http://proxy.internal:4750", valid: true},
		{desc: "https proxy with credentials", value: " https://ferry:pr0xy-pw@10.0.0.5:4750/ ", want: "https://ferry:pr0xy-pw@10.0.0.5:4750/", valid: true},
		{desc: "no scheme", value: "proxy.internal:4750"},
		{desc: "socks is not an HTTP CONNECT proxy", value: "socks5://proxy.internal:1080"},
		{desc: "no host", value: "http://"},
		{desc: "a path the transport would ignore", value: "http://proxy.internal:4750/egress"},
		{desc: "bad port, with a password that must not be echoed", value: "http://ferry:pr0xy-pw@proxy.internal:port"},
	}
	for _, tc := range tests {
		c, err := Load(env(allRequired, "FERRY_EGRESS_PROXY", tc.value), needAll)
		switch {
		case !tc.valid && err == nil:
			t.Errorf("%s: Load(%q) succeeded with proxy %v, want an error", tc.desc, tc.value, c.EgressProxy)
		case !tc.valid && err.Error() != "config: FERRY_EGRESS_PROXY "+egressProxyHint:
			t.Errorf("%s: Load(%q) error %q, want one naming FERRY_EGRESS_PROXY with the hint", tc.desc, tc.value, err)
		case !tc.valid && strings.Contains(err.Error(), "pr0xy-pw"):
			t.Errorf("%s: error echoes the proxy password: %v", tc.desc, err)
		case tc.valid && err != nil:
			t.Errorf("%s: Load(%q): %v", tc.desc, tc.value, err)
		case tc.valid && tc.want == "" && c.EgressProxy != nil:
			t.Errorf("%s: EgressProxy = %v, want nil", tc.desc, c.EgressProxy)
		case tc.valid && tc.want != "" && (c.EgressProxy == nil || c.EgressProxy.String() != tc.want):
			t.Errorf("%s: EgressProxy = %v, want %s", tc.desc, c.EgressProxy, tc.want)
		}
	}
}

func TestLogValueRedactsTheEgressProxy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ proxy, want string }{
		{"", ""},
		{"http://proxy.internal:4750", "http://proxy.internal:4750"},
		{"http://ferry:pr0xy-pw@proxy.internal:4750", "http://ferry:xxxxx@proxy.internal:4750"},
	} {
		c := defaults()
		if tc.proxy != "" {
			c.EgressProxy = mustURL(tc.proxy)
		}
		var buf bytes.Buffer
		c.Logger(&buf).Info("starting", "config", c)
		if strings.Contains(buf.String(), "pr0xy-pw") {
			t.Errorf("log line shows the proxy password: %s", buf.String())
		}
		var line struct {
			Config map[string]any `json:"config"`
		}
		if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
			t.Fatalf("decode %s: %v", buf.String(), err)
		}
		if got := line.Config["egress_proxy"]; got != tc.want {
			t.Errorf("proxy %q: egress_proxy logged as %v, want %q", tc.proxy, got, tc.want)
		}
	}
}

func TestApplyGCSetsTheTarget(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	Config{GCPercent: 300}.ApplyGC()
	if got := debug.SetGCPercent(100); got != 300 {
		t.Errorf("GC percent after ApplyGC = %d, want 300", got)
	}
}
