package app_test

import (
	"net/http"
	"testing"

	"github.com/ferryhq/ferry/internal/apptest"
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
