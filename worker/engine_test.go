package worker_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

const typ = "QUESTION_ANSWERED"

// setup starts Ferry with the event types and one account.
func setup(t *testing.T, types ...string) (*apptest.Env, apptest.Account) {
	t.Helper()
	e := apptest.New(t, true)
	for _, name := range append([]string{typ}, types...) {
		e.CreateEventType(name)
	}
	return e, e.CreateAccount("tenant")
}

// gap is the time between two arrivals.
func gap(reqs []apptest.Request, i int) time.Duration { return reqs[i].At.Sub(reqs[i-1].At) }

func within(d, lo, hi time.Duration) bool { return d >= lo && d <= hi }

func statuses(d *ent.Delivery) []int {
	var out []int
	for _, a := range d.Edges.Attempts {
		if a.ResponseStatus == nil {
			out = append(out, 0)
		} else {
			out = append(out, *a.ResponseStatus)
		}
	}
	return out
}

func TestFanOutReachesExactlyTheActiveSubscribedConfigurations(t *testing.T) {
	t.Parallel()
	e, acc := setup(t, "REPLY_ANSWERED")
	other := e.CreateAccount("other tenant")
	a, b, inactive, otherType, otherAccount :=
		apptest.NewReceiver(t, 200), apptest.NewReceiver(t, 200), apptest.NewReceiver(t, 200),
		apptest.NewReceiver(t, 200), apptest.NewReceiver(t, 200)
	epA := e.ActiveEndpoint(acc.Token, a.URL, []string{typ, "REPLY_ANSWERED"}, map[string]any{"headers": map[string]string{"X-Team": "quiz"}})
	epB := e.ActiveEndpoint(acc.Token, b.URL, []string{typ}, nil)
	keyID, _ := e.CreateSigningKey(acc.Token, "inactive")
	e.CreateConfiguration(acc.Token, map[string]any{"name": "inactive", "url": inactive.URL, "signingKeyID": keyID, "eventTypes": []string{typ}})
	e.ActiveEndpoint(acc.Token, otherType.URL, []string{"REPLY_ANSWERED"}, nil)
	e.ActiveEndpoint(other.Token, otherAccount.URL, []string{typ}, nil)
	e.StartWorker()

	data := `{"question":{"id":42,"text":"Olá?"},"answers":[1,2.5,"três"],"nested":{"z":null,"a":true}}`
	evtID := e.Publish(acc.Token, typ, json.RawMessage(data), map[string]any{"metadata": map[string]string{"course": "go-101"}})

	ds := e.WaitFor(10*time.Second, apptest.AllEnded(2))
	evt := ds[0].Edges.Event
	if evt == nil {
		evt = e.App.Client.Event.GetX(systemCtx(), ds[0].EventID)
	}
	// The stored data, compact: PostgreSQL's jsonb text has spaces.
	var compact bytes.Buffer
	if err := json.Compact(&compact, evt.Data); err != nil {
		t.Fatalf("stored data %s: %v", evt.Data, err)
	}
	wantBody := `{"id":"` + evtID + `","event":"` + typ + `","data":` + compact.String() +
		`,"sentDate":"` + evt.OccurredAt.UTC().Format("2006-01-02T15:04:05.000Z") + `"}`
	var stored, published any
	_ = json.Unmarshal(evt.Data, &stored)
	_ = json.Unmarshal([]byte(data), &published)
	if !jsonEqual(stored, published) {
		t.Errorf("stored data %s differs from the published %s", evt.Data, data)
	}

	for _, c := range []struct {
		name string
		rcv  *apptest.Receiver
		ep   apptest.Endpoint
	}{{"a", a, epA}, {"b", b, epB}} {
		reqs := c.rcv.EventRequests(evtID)
		if len(reqs) != 1 {
			t.Fatalf("receiver %s got %d requests for the event, want 1", c.name, len(reqs))
		}
		r := reqs[0]
		if string(r.Body) != wantBody {
			t.Errorf("receiver %s body\n got %s\nwant %s", c.name, r.Body, wantBody)
		}
		var d *ent.Delivery
		for _, x := range ds {
			if x.ConfigurationID != nil && string(*x.ConfigurationID) == c.ep.ID {
				d = x
			}
		}
		if d == nil {
			t.Fatalf("no delivery for configuration %s", c.name)
		}
		want := map[string]string{
			"Content-Type":             "application/json",
			"Webhook-Id":               evtID,
			"X-Ferry-Event-Id":         evtID,
			"X-Ferry-Configuration-Id": c.ep.ID,
			"X-Ferry-Delivery-Id":      string(d.ID),
			"X-Ferry-Attempt":          "1",
		}
		if c.name == "a" {
			want["X-Team"] = "quiz"
		}
		for k, v := range want {
			if got := r.Header.Get(k); got != v {
				t.Errorf("receiver %s header %s = %q, want %q", c.name, k, got, v)
			}
		}
		if ts, err := strconv.ParseInt(r.Header.Get("Webhook-Timestamp"), 10, 64); err != nil || time.Since(time.Unix(ts, 0)).Abs() > time.Minute {
			t.Errorf("receiver %s webhook-timestamp %q is not the time of the attempt", c.name, r.Header.Get("Webhook-Timestamp"))
		}
		if !strings.HasPrefix(r.Header.Get("User-Agent"), "Ferry") {
			t.Errorf("User-Agent %q does not name Ferry", r.Header.Get("User-Agent"))
		}
		apptest.CheckSignatures(t, c.ep.Secret, r)
		if d.Status != delivery.StatusSUCCEEDED || d.AttemptCount != 1 || d.LastResponseStatus == nil || *d.LastResponseStatus != 200 ||
			d.LastAttemptAt == nil || d.LastDurationMs == nil || d.NextAttemptAt != nil || d.EventType != typ || d.URL != c.rcv.URL {
			t.Errorf("delivery %s = %+v, want SUCCEEDED after one 200", c.name, d)
		}
		if len(d.Edges.Attempts) != 1 || d.Edges.Attempts[0].RequestBody != wantBody || d.Edges.Attempts[0].Trigger != "AUTOMATIC" {
			t.Errorf("delivery %s attempts = %+v, want one AUTOMATIC attempt with the body sent", c.name, d.Edges.Attempts)
		}
	}
	for name, rcv := range map[string]*apptest.Receiver{"inactive": inactive, "other type": otherType, "other account": otherAccount} {
		if n := len(rcv.EventRequests(evtID)); n != 0 {
			t.Errorf("%s configuration got the event %d times", name, n)
		}
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestRetriesFollowTheScheduleUntilSuccess(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	rcv := apptest.NewReceiver(t, 200)
	ep := e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, map[string]any{"retrySchedule": []int{1, 2, 60}})
	base := len(rcv.Requests()) // verification and ping
	rcv.Status = func(n int) int {
		if n <= base+2 {
			return 500
		}
		return 200
	}
	e.StartWorker()
	evtID := e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)

	ds := e.WaitFor(15*time.Second, apptest.AllEnded(1))
	d := ds[0]
	if d.Status != delivery.StatusSUCCEEDED || d.AttemptCount != 3 || !slices.Equal(statuses(d), []int{500, 500, 200}) {
		t.Fatalf("delivery %s: %s after %d attempts answered %v, want SUCCEEDED after 500, 500, 200", d.ID, d.Status, d.AttemptCount, statuses(d))
	}
	reqs := rcv.EventRequests(evtID)
	if len(reqs) != 3 {
		t.Fatalf("receiver got %d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		if string(r.Body) != string(reqs[0].Body) || r.Header.Get("Webhook-Id") != evtID || r.Header.Get("X-Ferry-Attempt") != strconv.Itoa(i+1) {
			t.Errorf("request %d: body %s, webhook-id %q, attempt %q; want the first body, the same id, attempt %d",
				i+1, r.Body, r.Header.Get("Webhook-Id"), r.Header.Get("X-Ferry-Attempt"), i+1)
		}
		apptest.CheckSignatures(t, ep.Secret, r)
	}
	// Delays of 1 s and 2 s with ±20 % jitter; asynq schedules in whole
	// seconds (Ferry rounds up) and polls every 200 ms.
	if g := gap(reqs, 1); !within(g, 800*time.Millisecond, 2500*time.Millisecond) {
		t.Errorf("first retry came %s after the first attempt, want 1 s ± 20 %%", g)
	}
	if g := gap(reqs, 2); !within(g, 1600*time.Millisecond, 3700*time.Millisecond) {
		t.Errorf("second retry came %s after the second attempt, want 2 s ± 20 %%", g)
	}
}

func TestAlwaysFailingReceiverEndsFailedAfterTheSchedule(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	rcv := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, map[string]any{"retrySchedule": []int{1, 1, 1}})
	rcv.Status = func(int) int { return 503 }
	e.StartWorker()
	evtID := e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)

	d := e.WaitFor(15*time.Second, apptest.AllEnded(1))[0]
	if d.Status != delivery.StatusFAILED || d.AttemptCount != 4 || d.NextAttemptAt != nil || d.LastResponseStatus == nil || *d.LastResponseStatus != 503 {
		t.Fatalf("delivery = %+v, want FAILED after 4 attempts", d)
	}
	if got := statuses(d); !slices.Equal(got, []int{503, 503, 503, 503}) {
		t.Errorf("attempt statuses %v, want four 503s", got)
	}
	for i, a := range d.Edges.Attempts {
		if a.Number != i+1 || a.ResponseBody != `{"received":true}` || a.ResponseHeaders["Content-Type"] == "" || a.ErrorKind == nil || *a.ErrorKind != "http_status" {
			t.Errorf("attempt %d = number %d, body %q, headers %v, error kind %v; want the response recorded", i+1, a.Number, a.ResponseBody, a.ResponseHeaders, a.ErrorKind)
		}
	}
	if n := len(rcv.EventRequests(evtID)); n != 4 {
		t.Errorf("receiver got %d requests, want 4", n)
	}
}

func TestRetryAfterIsHonouredUpToTwiceTheDelay(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	rcv := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, map[string]any{"retrySchedule": []int{1}})
	base := len(rcv.Requests())
	rcv.Status = func(n int) int {
		if n == base+1 {
			return http.StatusTooManyRequests
		}
		return 200
	}
	rcv.Header = func(int) http.Header { return http.Header{"Retry-After": {"3600"}} }
	e.StartWorker()
	evtID := e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)

	d := e.WaitFor(15*time.Second, apptest.AllEnded(1))[0]
	reqs := rcv.EventRequests(evtID)
	if d.Status != delivery.StatusSUCCEEDED || len(reqs) != 2 {
		t.Fatalf("delivery %s with %d requests, want SUCCEEDED on the second", d.Status, len(reqs))
	}
	// Retry-After 3600 s is clamped to twice the scheduled 1 s.
	if g := gap(reqs, 1); !within(g, 1950*time.Millisecond, 3500*time.Millisecond) {
		t.Errorf("retry came %s after a 429 with Retry-After: 3600, want 2 s", g)
	}
}

func TestTimeoutAndRedirectAreFailuresWithTheErrorRecorded(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	slow, redirect := apptest.NewReceiver(t, 200), apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, slow.URL, []string{typ}, map[string]any{"timeoutSeconds": 1, "retrySchedule": []int{1}})
	e.ActiveEndpoint(acc.Token, redirect.URL, []string{typ}, map[string]any{"retrySchedule": []int{1}})
	slow.Delay = func(int) time.Duration { return 5 * time.Second }
	redirect.Status = func(int) int { return http.StatusFound }
	redirect.Header = func(int) http.Header { return http.Header{"Location": {slow.URL}} }
	e.StartWorker()
	evtID := e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)

	for _, d := range e.WaitFor(20*time.Second, apptest.AllEnded(2)) {
		if d.Status != delivery.StatusFAILED || d.AttemptCount != 2 {
			t.Errorf("delivery to %s: %s after %d attempts, want FAILED after 2", d.URL, d.Status, d.AttemptCount)
		}
		for _, a := range d.Edges.Attempts {
			switch d.URL {
			case slow.URL:
				if a.ResponseStatus != nil || a.ErrorKind == nil || *a.ErrorKind != "timeout" || a.Error == nil || *a.Error == "" || a.DurationMs < 900 {
					t.Errorf("timed-out attempt: status %v, kind %v, error %v, %d ms", a.ResponseStatus, a.ErrorKind, a.Error, a.DurationMs)
				}
			case redirect.URL:
				if a.ResponseStatus == nil || *a.ResponseStatus != 302 || a.ErrorKind == nil || *a.ErrorKind != "redirect" || a.Error == nil || !strings.Contains(*a.Error, "redirect") {
					t.Errorf("redirected attempt: status %v, kind %v, error %v", a.ResponseStatus, a.ErrorKind, a.Error)
				}
			}
		}
	}
	// The redirect to the slow receiver was not followed.
	if n := len(slow.EventRequests(evtID)); n != 2 {
		t.Errorf("the slow receiver got the event %d times, want 2 (its own attempts)", n)
	}
}

// systemCtx reads past tenancy, as the worker does.
func systemCtx() context.Context { return viewer.System(context.Background()) }

// An answer is on the record as soon as it is in, not once the slowest
// request sent with it is over.
func TestAnAnswerIsRecordedWithoutWaitingForTheRestOfItsTask(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	rcv := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, nil)
	first := len(rcv.Requests()) + 1
	rcv.Delay = func(n int) time.Duration {
		if n == first {
			return 6 * time.Second
		}
		return 0
	}
	e.StartWorker()
	// One call, so both deliveries are made by one task, side by side.
	e.MustDo(acc.Token, `mutation($in: [PublishEventInput!]!) { publishEvents(input: $in) { id } }`,
		map[string]any{"in": []map[string]any{{"type": typ, "data": map[string]any{"n": 1}}, {"type": typ, "data": map[string]any{"n": 2}}}}, nil)
	deadline := time.Now().Add(10 * time.Second)
	for len(rcv.Requests()) < first+1 {
		if time.Now().After(deadline) {
			t.Fatalf("the receiver got %d requests, want both events", len(rcv.Requests())-first+1)
		}
		time.Sleep(10 * time.Millisecond)
	}
	answered := time.Now()
	for {
		succeeded := 0
		for _, d := range e.Deliveries() {
			if d.Status == delivery.StatusSUCCEEDED {
				succeeded++
			}
		}
		if succeeded == 1 {
			t.Logf("the answered delivery was on the record %s after both requests were out", time.Since(answered).Round(time.Millisecond))
			break
		}
		if succeeded > 1 || time.Since(answered) > 3*time.Second {
			t.Fatalf("%d deliveries SUCCEEDED %s after both requests were out, want the answered one while the other is held",
				succeeded, time.Since(answered).Round(time.Millisecond))
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.WaitFor(15*time.Second, apptest.AllEnded(2))
}
