package main

import (
	"context"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/testing/apptest"
	"github.com/ferryhq/ferry/internal/testing/testenv"
)

func TestStartRefusesMissingVariablesByName(t *testing.T) {
	for _, name := range []string{"DATABASE_URL", "FERRY_ADMIN_TOKEN", "FERRY_ENCRYPTION_KEY"} {
		t.Setenv("DATABASE_URL", "postgres://127.0.0.1:1/x?sslmode=disable")
		t.Setenv("FERRY_ADMIN_TOKEN", apptest.AdminToken)
		t.Setenv("FERRY_ENCRYPTION_KEY", base64.StdEncoding.EncodeToString(make([]byte, 32)))
		t.Setenv(name, "")
		err := run(context.Background(), "serve")
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("serve without %s: err = %v, want one naming it", name, err)
		}
	}
}

// serve migrates an empty database, answers health checks, and stops cleanly
// when its context is cancelled (as on SIGTERM).
func TestServeMigratesServesAndShutsDownGracefully(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	t.Setenv("DATABASE_URL", testenv.Postgres(t, nil))
	t.Setenv("REDIS_URL", testenv.Redis(t))
	t.Setenv("PORT", strconv.Itoa(port))
	t.Setenv("FERRY_ADMIN_TOKEN", apptest.AdminToken)
	t.Setenv("FERRY_ENCRYPTION_KEY", base64.StdEncoding.EncodeToString(make([]byte, 32)))
	t.Setenv("FERRY_LOG_LEVEL", "error")
	t.Setenv("FERRY_SHUTDOWN_TIMEOUT", "5s")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, "serve") }()

	base := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve never became ready: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for path, want := range map[string]int{"/healthz": 200, "/": 200} {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, res.StatusCode, want)
		}
	}
	// The schema was migrated at start: an admin can create an account.
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(`{"query":"mutation { createAccount(input: {name: \"x\"}) { token } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+apptest.AdminToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("createAccount after start: %v %v", res, err)
	}
	res.Body.Close()

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown, want nil", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop within 20s of cancellation")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Errorf("the API still answers after shutdown")
	}
}

// A worker on its own serves what operators watch it by on
// FERRY_WORKER_ADDR, and stops serving with the worker.
func TestWorkerServesMetricsAndHealthOnItsOwnAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv("DATABASE_URL", testenv.Postgres(t, nil))
	t.Setenv("REDIS_URL", testenv.Redis(t))
	t.Setenv("FERRY_ENCRYPTION_KEY", base64.StdEncoding.EncodeToString(make([]byte, 32)))
	t.Setenv("FERRY_WORKER_ADDR", addr)
	t.Setenv("FERRY_LOG_LEVEL", "error")
	t.Setenv("FERRY_SHUTDOWN_TIMEOUT", "2s")
	if err := run(context.Background(), "migrate"); err != nil {
		t.Fatalf("migrate: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, "worker") }()
	base := "http://" + addr
	get := func(path string) (int, string) {
		res, err := http.Get(base + path)
		if err != nil {
			return 0, err.Error()
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if code, _ := get("/readyz"); code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("the worker's /readyz never answered 200")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code, body := get("/healthz"); code != http.StatusOK || !strings.Contains(body, `"ok"`) {
		t.Errorf("GET /healthz = %d %s, want 200 ok", code, body)
	}
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, "ferry_queue_size{") || !strings.Contains(body, "go_goroutines") {
		t.Errorf("GET /metrics = %d, want 200 with the queue's and the runtime's series:\n%s", code, body)
	}
	if code, _ := get("/graphql"); code != http.StatusNotFound {
		t.Errorf("GET /graphql on the worker's address = %d, want 404: a worker serves no API", code)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("worker returned %v after shutdown, want nil", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("worker did not stop within 20s of cancellation")
	}
	if code, _ := get("/healthz"); code != 0 {
		t.Errorf("the worker's address still answers after shutdown")
	}
}
