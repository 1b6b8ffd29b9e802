package testenv

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/redis/go-redis/v9"
)

func TestRequireServices(t *testing.T) {
	RequireServices(t)
}

func openDB(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func databaseExists(t *testing.T, name string) bool {
	t.Helper()
	server, err := parsePostgresURL(databaseURL())
	if err != nil {
		t.Fatal(err)
	}
	var exists bool
	err = adminDB(server).QueryRow("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if err != nil {
		t.Fatal(err)
	}
	return exists
}

func dbName(t *testing.T, url string) string {
	t.Helper()
	i := strings.LastIndex(url, "/")
	j := strings.Index(url, "?")
	if i < 0 || j < i {
		t.Fatalf("no database name in %q", url)
	}
	return url[i+1 : j]
}

func TestParallelTestsGetSeparateDatabases(t *testing.T) {
	var mu sync.Mutex
	pgURLs := map[string]string{}
	redisURLs := map[string]string{}
	ok := t.Run("group", func(t *testing.T) {
		for _, name := range []string{"a", "b"} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				pg, rd := Postgres(t, nil), Redis(t)
				mu.Lock()
				pgURLs[name], redisURLs[name] = pg, rd
				mu.Unlock()

				// Each test writes the same names; isolation means no clash.
				db := openDB(t, pg)
				if _, err := db.Exec("CREATE TABLE mine (who text)"); err != nil {
					t.Fatalf("create table in own database: %v", err)
				}
				opts, err := redis.ParseURL(rd)
				if err != nil {
					t.Fatal(err)
				}
				rdb := redis.NewClient(opts)
				defer rdb.Close()
				ctx := context.Background()
				if n, err := rdb.DBSize(ctx).Result(); err != nil || n != 0 {
					t.Fatalf("fresh Redis DB has %d keys (err %v), want 0", n, err)
				}
				if ok, err := rdb.SetNX(ctx, "mine", name, 0).Result(); err != nil || !ok {
					t.Fatalf("SETNX mine in own Redis DB = %v, %v; want it unset", ok, err)
				}
				time.Sleep(100 * time.Millisecond) // overlap with the other test
			})
		}
	})
	if !ok {
		return
	}
	if pgURLs["a"] == pgURLs["b"] {
		t.Errorf("both tests got database %s", pgURLs["a"])
	}
	if redisURLs["a"] == redisURLs["b"] {
		t.Errorf("both tests got Redis %s", redisURLs["a"])
	}
	for _, name := range []string{"a", "b"} {
		if got := dbName(t, pgURLs[name]+"?"); !strings.HasPrefix(got, "ferrytest_testparalleltests") || !strings.Contains(got, "group_"+name+"_") {
			t.Errorf("database name %q does not say which test it belongs to", got)
		}
	}
}

func TestPostgresDropsDatabaseAtCleanup(t *testing.T) {
	var name string
	ok := t.Run("uses a database", func(t *testing.T) {
		url := Postgres(t, nil)
		name = dbName(t, url)
		// An open connection must not keep the database alive.
		db := openDB(t, url)
		db.SetMaxIdleConns(1)
		if err := db.Ping(); err != nil {
			t.Fatal(err)
		}
		if !databaseExists(t, name) {
			t.Fatalf("database %s does not exist during the test", name)
		}
	})
	if !ok {
		return
	}
	if databaseExists(t, name) {
		t.Errorf("database %s still exists after the test's cleanup", name)
	}
}

// A test's Redis is a server of its own, gone with the test: nothing it
// wrote outlives it, and it never touched a server someone else uses.
func TestRedisIsTheTestsOwnServerAndGoesWithIt(t *testing.T) {
	var url string
	ok := t.Run("uses a Redis", func(t *testing.T) {
		url = Redis(t)
		opts, err := redis.ParseURL(url)
		if err != nil {
			t.Fatal(err)
		}
		c := redis.NewClient(opts)
		defer c.Close()
		if n, err := c.DBSize(t.Context()).Result(); err != nil || n != 0 {
			t.Fatalf("a new Redis holds %d keys (err %v), want none", n, err)
		}
		if err := c.Set(t.Context(), "left", "behind", 0).Err(); err != nil {
			t.Fatal(err)
		}
	})
	if !ok {
		return
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	opts.MaxRetries = -1
	c := redis.NewClient(opts)
	defer c.Close()
	if err := c.Ping(context.Background()).Err(); err == nil {
		t.Errorf("the test's redis-server at %s still answers after its cleanup", url)
	}
}

func TestTemplateMigratesOncePerProcess(t *testing.T) {
	var runs atomic.Int32
	tmpl := &Template{
		// A key unique to this run, so the template is built here rather than
		// found from an earlier run.
		Key: "testenv_" + t.Name() + "_" + randomSuffix(),
		Migrate: func(ctx context.Context, url string) error {
			runs.Add(1)
			db, err := sql.Open("postgres", url)
			if err != nil {
				return err
			}
			defer db.Close()
			_, err = db.ExecContext(ctx, "CREATE TABLE widgets (id int primary key); INSERT INTO widgets VALUES (1)")
			return err
		},
	}
	t.Cleanup(func() { dropTemplate(t, templateName(tmpl.Key)) })

	ok := t.Run("group", func(t *testing.T) {
		for _, name := range []string{"one", "two", "three"} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				db := openDB(t, Postgres(t, tmpl))
				var n int
				if err := db.QueryRow("SELECT count(*) FROM widgets").Scan(&n); err != nil {
					t.Fatalf("query migrated table: %v", err)
				}
				if n != 1 {
					t.Errorf("widgets has %d rows, want the 1 the migration inserted", n)
				}
				if _, err := db.Exec("INSERT INTO widgets VALUES (2)"); err != nil {
					t.Fatalf("insert: %v", err)
				}
			})
		}
	})
	if !ok {
		return
	}
	if got := runs.Load(); got != 1 {
		t.Errorf("migrate ran %d times, want 1", got)
	}

	t.Run("another process reuses the finished template", func(t *testing.T) {
		forgetTemplates()
		openDB(t, Postgres(t, tmpl))
		if got := runs.Load(); got != 1 {
			t.Errorf("migrate ran %d times, want 1: an existing template must be reused", got)
		}
	})
}

func TestTemplateHalfBuiltByKilledRunIsRebuilt(t *testing.T) {
	var runs atomic.Int32
	tmpl := &Template{
		Key: "testenv_" + t.Name() + "_" + randomSuffix(),
		Migrate: func(ctx context.Context, url string) error {
			runs.Add(1)
			db, err := sql.Open("postgres", url)
			if err != nil {
				return err
			}
			defer db.Close()
			_, err = db.ExecContext(ctx, "CREATE TABLE widgets (id int)")
			return err
		},
	}
	name := templateName(tmpl.Key)
	t.Cleanup(func() { dropTemplate(t, name) })
	server, _ := parsePostgresURL(databaseURL())
	// What a run killed mid-migration leaves: the database, not yet a template.
	if _, err := adminDB(server).Exec("CREATE DATABASE " + pq.QuoteIdentifier(name)); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, Postgres(t, tmpl))
	if _, err := db.Exec("SELECT * FROM widgets"); err != nil {
		t.Errorf("test database lacks the migrated table: %v", err)
	}
	if got := runs.Load(); got != 1 {
		t.Errorf("migrate ran %d times, want 1", got)
	}
}

func TestTemplateMigrateErrorFailsClearly(t *testing.T) {
	tmpl := &Template{
		Key:     "testenv_" + t.Name() + "_" + randomSuffix(),
		Migrate: func(context.Context, string) error { return errors.New("syntax error in 0002_bad.sql") },
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	server, _ := parsePostgresURL(databaseURL())
	_, err := templateDB(ctx, adminDB(server), server, tmpl)
	if err == nil || !strings.Contains(err.Error(), "0002_bad.sql") {
		t.Errorf("templateDB error = %v, want the migration's error", err)
	}
	if databaseExists(t, templateName(tmpl.Key)) {
		t.Errorf("a failed migration left template database %s behind", templateName(tmpl.Key))
		dropTemplate(t, templateName(tmpl.Key))
	}
}

// forgetTemplates makes this process behave like a new test binary.
func forgetTemplates() {
	templMu.Lock()
	defer templMu.Unlock()
	clear(templates)
}

func dropTemplate(t *testing.T, name string) {
	t.Helper()
	server, _ := parsePostgresURL(databaseURL())
	db := adminDB(server)
	q := pq.QuoteIdentifier(name)
	if _, err := db.Exec("ALTER DATABASE " + q + " IS_TEMPLATE false"); err != nil {
		t.Errorf("unmark template %s: %v", name, err)
	}
	if _, err := db.Exec("DROP DATABASE IF EXISTS " + q + " WITH (FORCE)"); err != nil {
		t.Errorf("drop template %s: %v", name, err)
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct {
		desc string
		in   string
		n    int
		want string
	}{
		{desc: "subtest name", in: "TestCreate/with spaces/ÄÖ-ü", n: 40, want: "testcreate_with_spaces"},
		{desc: "runs collapse and ends trimmed", in: "__A--b__", n: 40, want: "a_b"},
		{desc: "truncated", in: "abcdefghij", n: 4, want: "abcd"},
		{desc: "truncation leaves no trailing underscore", in: "abc/def", n: 4, want: "abc"},
		{desc: "nothing usable", in: "/日本/", n: 40, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			if got := sanitize(tc.in, tc.n); got != tc.want {
				t.Errorf("sanitize(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
			}
		})
	}
}

func TestFragmentKeepsBothEnds(t *testing.T) {
	got := fragment("TestSomethingRatherLong/group/subtest_number_seven", 30)
	if want := "testsomethingra_t_number_seven"; got != want {
		t.Errorf("fragment = %q, want %q", got, want)
	}
	if got := fragment("TestShort/a", 30); got != "testshort_a" {
		t.Errorf("fragment of a short name = %q, want it whole", got)
	}
}

func TestDatabaseNamesAreValidIdentifiers(t *testing.T) {
	long := strings.Repeat("VeryLong/Test Name-", 10)
	for _, name := range []string{
		joinName("ferrytest", fragment(long, 42), randomSuffix()),
		templateName(long),
		templateName(""),
	} {
		if len(name) > 63 {
			t.Errorf("%q is %d bytes; PostgreSQL truncates identifiers at 63", name, len(name))
		}
		if strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			t.Errorf("%q has characters outside [a-z0-9_]", name)
		}
	}
}
