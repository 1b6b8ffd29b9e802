package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// scrape reads /metrics the way Prometheus does and returns each family.
func scrape(t *testing.T, e *apptest.Env) map[string]*dto.MetricFamily {
	t.Helper()
	res, err := http.Get(e.Server.URL + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(res.Body)
		t.Fatalf("GET /metrics: HTTP %d: %s", res.StatusCode, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return families
}

// value is the sample of family name whose labels include want: a counter
// or gauge's value, or a histogram's count. ok is false when there is none.
func value(families map[string]*dto.MetricFamily, name string, want map[string]string) (v float64, ok bool) {
	f := families[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// After a delivery that fails once and then succeeds, /metrics shows the
// publish, the created delivery, both moves, both attempt durations, the
// activation ping, the request in flight while it was, the delivery queue,
// the recovery re-enqueue and the GraphQL requests by operation and result.
func TestMetricsAfterADelivery(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	const typ = "invoice.paid"
	e.CreateEventType(typ)
	acc := e.CreateAccount("acme")
	rcv := apptest.NewReceiver(t, 200)
	// Requests: 1 URL check, 2 activation ping, 3 first attempt, 4 retry.
	rcv.Status = func(n int) int { return map[bool]int{true: 500, false: 200}[n == 3] }
	rcv.Delay = func(n int) time.Duration { return map[bool]time.Duration{true: 1500 * time.Millisecond}[n == 3] }
	ep := e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, map[string]any{"retrySchedule": []int{1}})

	// Published with no worker running, then Redis emptied: only the
	// recovery loop can bring the delivery back.
	e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)
	if err := e.App.Redis.FlushDB(t.Context()).Err(); err != nil {
		t.Fatal(err)
	}
	bad := e.Do(acc.Token, `mutation { publishEvent(input: {type: "no.such.type", data: {}}) { id } }`, nil)
	if err := apptest.OnlyError(t, bad); err.Code() != "BAD_USER_INPUT" {
		t.Fatalf("publishing an unknown type: got %+v, want BAD_USER_INPUT", err)
	}
	e.StartWorker()

	cfg := map[string]string{"configuration_id": ep.ID}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if v, _ := value(scrape(t, e), "ferry_inflight_requests", cfg); v == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("ferry_inflight_requests never showed the slow first attempt in flight")
		}
		time.Sleep(50 * time.Millisecond)
	}
	ds := e.WaitFor(15*time.Second, apptest.AllEnded(1))
	if ds[0].Status != delivery.StatusSUCCEEDED || ds[0].AttemptCount != 2 {
		t.Fatalf("delivery ended %s after %d attempts, want SUCCEEDED after 2", ds[0].Status, ds[0].AttemptCount)
	}

	families := scrape(t, e)
	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"ferry_events_published_total", nil, 1},
		{"ferry_publish_errors_total", nil, 1},
		{"ferry_deliveries_created_total", cfg, 1},
		{"ferry_deliveries_total", map[string]string{"configuration_id": ep.ID, "status": "RETRYING"}, 1},
		{"ferry_deliveries_total", map[string]string{"configuration_id": ep.ID, "status": "SUCCEEDED"}, 1},
		{"ferry_attempt_duration_seconds", map[string]string{"trigger": "AUTOMATIC", "outcome": "failure"}, 1},
		{"ferry_attempt_duration_seconds", map[string]string{"trigger": "AUTOMATIC", "outcome": "success"}, 1},
		{"ferry_attempt_duration_seconds", map[string]string{"trigger": "PING", "outcome": "success"}, 1},
		{"ferry_inflight_requests", cfg, 0},
		{"ferry_queue_size", map[string]string{"queue": queue.Name, "state": "pending"}, 0},
		{"ferry_queue_size", map[string]string{"queue": queue.Name, "state": "active"}, 0},
		{"ferry_graphql_requests_total", map[string]string{"operation": "publishEvent", "result": "ok"}, 1},
		{"ferry_graphql_requests_total", map[string]string{"operation": "publishEvent", "result": "BAD_USER_INPUT"}, 1},
		{"ferry_graphql_requests_total", map[string]string{"operation": "activateConfiguration", "result": "ok"}, 1},
	} {
		got, ok := value(families, tc.name, tc.labels)
		if !ok {
			t.Errorf("%s%v: missing", tc.name, tc.labels)
			continue
		}
		if got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	// The recovery loop re-enqueues every pass until the worker has taken
	// the task, so it counts at least the one delivery Redis lost.
	if got, _ := value(families, "ferry_recovery_reenqueued_total", nil); got < 1 {
		t.Errorf("ferry_recovery_reenqueued_total = %v, want at least 1", got)
	}
	if _, ok := value(families, "ferry_queue_latency_seconds", map[string]string{"queue": queue.Name}); !ok {
		t.Error("ferry_queue_latency_seconds for the delivery queue is missing")
	}
	if h := families["ferry_attempt_duration_seconds"]; h != nil {
		for _, m := range h.GetMetric() {
			if m.Histogram.GetSampleSum() <= 0 {
				t.Errorf("attempt duration histogram %v sums to %v, want the time spent", m.GetLabel(), m.Histogram.GetSampleSum())
			}
		}
	}
	for name := range families {
		if strings.Contains(name, "token") || strings.Contains(name, "secret") {
			t.Errorf("/metrics exposes %s", name)
		}
	}
}
