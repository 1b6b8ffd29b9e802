package telemetry_test

import (
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/ferryhq/ferry/internal/platform/telemetry"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// The trace of a publish follows the delivery into the receiver's request.
// Not parallel: it installs the process-wide tracer provider.
func TestTraceGoesFromPublishThroughTheTaskToTheReceiver(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	telemetry.InstallTracer(sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp)))

	e := apptest.New(t, true)
	e.CreateEventType("QUESTION_ANSWERED")
	acc := e.CreateAccount("traced")
	rcv := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{"QUESTION_ANSWERED"}, map[string]any{"retrySchedule": []int{1}})
	first := len(rcv.Requests()) + 1
	rcv.Status = func(n int) int {
		if n == first {
			return 503 // the retry must carry the trace too
		}
		return 200
	}
	e.StartWorker()
	evtID := e.Publish(acc.Token, "QUESTION_ANSWERED", map[string]any{"n": 1}, nil)
	e.WaitFor(10*time.Second, apptest.AllEnded(1))

	var publish sdktrace.ReadOnlySpan
	delivers := 0
	for _, s := range exp.GetSpans().Snapshots() {
		switch s.Name() {
		case "ferry.publish":
			publish = s
		case "ferry.deliver":
			delivers++
		}
	}
	if publish == nil {
		t.Fatal("no ferry.publish span")
	}
	traceID := publish.SpanContext().TraceID().String()
	reqs := rcv.EventRequests(evtID)
	if len(reqs) != 2 {
		t.Fatalf("receiver got %d requests, want 2", len(reqs))
	}
	for i, r := range reqs {
		tp := strings.Split(r.Header.Get("Traceparent"), "-")
		if len(tp) != 4 || tp[1] != traceID {
			t.Errorf("request %d traceparent %q, want trace %s of the publish", i+1, r.Header.Get("Traceparent"), traceID)
		}
	}
	for _, s := range exp.GetSpans().Snapshots() {
		if s.Name() == "ferry.deliver" && (s.SpanContext().TraceID().String() != traceID || s.Parent().SpanID() != publish.SpanContext().SpanID()) {
			t.Errorf("deliver span in trace %s under %s, want a child of the publish span", s.SpanContext().TraceID(), s.Parent().SpanID())
		}
	}
	if delivers < 2 {
		t.Errorf("%d ferry.deliver spans, want one per attempt (2)", delivers)
	}
}
