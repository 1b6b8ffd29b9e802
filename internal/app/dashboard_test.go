package app_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

func get(t *testing.T, url string, auth func(*http.Request)) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	auth(req)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestAsynqDashboardIsForTheAdminTokenOnly(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	acc := e.CreateAccount("tenant")
	url := e.Server.URL + "/asynq/"
	for _, c := range []struct {
		desc string
		auth func(*http.Request)
		want int
	}{
		{"no credentials", func(*http.Request) {}, http.StatusUnauthorized},
		{"an account token", func(r *http.Request) { r.SetBasicAuth("admin", acc.Token) }, http.StatusUnauthorized},
		{"admin token as the Basic password", func(r *http.Request) { r.SetBasicAuth("admin", apptest.AdminToken) }, http.StatusOK},
		{"admin token as Bearer", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+apptest.AdminToken) }, http.StatusOK},
	} {
		if got := get(t, url, c.auth); got != c.want {
			t.Errorf("%s: HTTP %d, want %d", c.desc, got, c.want)
		}
	}
	// The dashboard's API answers too (queues), for the admin.
	if got := get(t, e.Server.URL+"/asynq/api/queues", func(r *http.Request) { r.SetBasicAuth("", apptest.AdminToken) }); got != http.StatusOK {
		t.Errorf("dashboard API: HTTP %d, want 200", got)
	}
}

func TestAsynqDashboardCanBeTurnedOff(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_DASHBOARD": "false"})
	if got := get(t, e.Server.URL+"/asynq/", func(r *http.Request) { r.SetBasicAuth("", apptest.AdminToken) }); got != http.StatusNotFound {
		t.Errorf("with FERRY_DASHBOARD=false: HTTP %d, want 404", got)
	}
}

// A page of another site cannot use a browser's cached Basic credentials
// to change anything through the dashboard, such as pausing the delivery
// queue; the dashboard's own pages and scripts still can.
func TestAsynqDashboardRefusesCrossOriginChanges(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	if err := e.App.Queue.Enqueue(context.Background(), queue.Attempt{DeliveryID: "dlv_1", Number: 1}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	paused := func() bool {
		t.Helper()
		info, err := e.App.Queue.Inspector().GetQueueInfo(queue.Name)
		if err != nil {
			t.Fatalf("queue %s: %v", queue.Name, err)
		}
		return info.Paused
	}
	send := func(method, path string, headers map[string]string) int {
		t.Helper()
		req, _ := http.NewRequest(method, e.Server.URL+"/asynq/api/queues/"+queue.Name+path, nil)
		req.SetBasicAuth("admin", apptest.AdminToken) // as a browser sends it once cached
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}

	for _, c := range []struct {
		desc    string
		method  string
		path    string
		headers map[string]string
	}{
		{"a form posted from another site", http.MethodPost, ":pause", map[string]string{"Origin": "https://evil.example"}},
		{"another site's page on the same host, other port", http.MethodPost, ":pause", map[string]string{"Origin": "http://127.0.0.1:1"}},
		{"a sandboxed page (Origin null)", http.MethodPost, ":pause", map[string]string{"Origin": "null"}},
		{"a cross-site request without Origin", http.MethodPost, ":pause", map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"a request referred by another site", http.MethodPost, ":pause", map[string]string{"Referer": "https://evil.example/page"}},
		{"deleting the queue from another site", http.MethodDelete, "", map[string]string{"Origin": "https://evil.example"}},
	} {
		if got := send(c.method, c.path, c.headers); got != http.StatusForbidden {
			t.Errorf("%s: HTTP %d, want 403", c.desc, got)
		}
		if paused() {
			t.Fatalf("%s paused the queue", c.desc)
		}
	}

	if got := send(http.MethodPost, ":pause", map[string]string{"Origin": e.Server.URL, "Sec-Fetch-Site": "same-origin"}); got >= 300 || !paused() {
		t.Fatalf("pausing from the dashboard's own page: HTTP %d, paused %v; want it paused", got, paused())
	}
	if got := send(http.MethodPost, ":resume", map[string]string{"Referer": e.Server.URL + "/asynq/queues"}); got >= 300 || paused() {
		t.Errorf("resuming from the dashboard's own page (Referer only): HTTP %d, paused %v; want it resumed", got, paused())
	}
	if got := send(http.MethodPost, ":pause", nil); got >= 300 || !paused() {
		t.Errorf("pausing from a script (no browser headers): HTTP %d, paused %v; want it paused", got, paused())
	}
	if got := get(t, e.Server.URL+"/asynq/api/queues", func(r *http.Request) {
		r.SetBasicAuth("", apptest.AdminToken)
		r.Header.Set("Origin", "https://evil.example")
	}); got != http.StatusOK {
		t.Errorf("reading with another Origin: HTTP %d, want 200 (reading changes nothing; CORS keeps the answer from the page)", got)
	}
}
