package telemetry

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/testenv"
)

func TestNilMetricsCountsNothingAndDoesNotPanic(t *testing.T) {
	var m *Metrics
	m.Created("cfg", 2)
	m.Ended("SUCCEEDED", "cfg")
	m.Attempt("AUTOMATIC", true, time.Second)
	m.InFlight("cfg")()
	m.Published()
	m.PublishFailed()
	m.Reenqueued(3)
	oc := operationContext(t, `query Deliveries { viewer }`)
	m.GraphQL().(graphqlCounter).InterceptOperation(graphql.WithOperationContext(context.Background(), oc),
		func(context.Context) graphql.ResponseHandler { return graphql.OneShot(&graphql.Response{}) })(context.Background())

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("nil Metrics handler: got HTTP %d, want 404 (nothing to serve)", rec.Code)
	}
}

func TestCountersCountByLabel(t *testing.T) {
	m := NewMetrics(nil)
	m.Created("cfg_a", 2)
	m.Created("cfg_a", 1)
	m.Created("cfg_b", 1)
	m.Ended("SUCCEEDED", "cfg_a")
	m.Ended("RETRYING", "cfg_a")
	m.Ended("RETRYING", "cfg_a")
	m.Ended("CANCELLED", "cfg_b")
	m.Published()
	m.Published()
	m.PublishFailed()
	m.Reenqueued(4)
	m.Reenqueued(0)

	for _, tc := range []struct {
		desc string
		got  float64
		want float64
	}{
		{"created for cfg_a", testutil.ToFloat64(m.created.WithLabelValues("cfg_a")), 3},
		{"created for cfg_b", testutil.ToFloat64(m.created.WithLabelValues("cfg_b")), 1},
		{"SUCCEEDED for cfg_a", testutil.ToFloat64(m.deliveries.WithLabelValues("SUCCEEDED", "cfg_a")), 1},
		{"RETRYING for cfg_a", testutil.ToFloat64(m.deliveries.WithLabelValues("RETRYING", "cfg_a")), 2},
		{"CANCELLED for cfg_b", testutil.ToFloat64(m.deliveries.WithLabelValues("CANCELLED", "cfg_b")), 1},
		{"events published", testutil.ToFloat64(m.published), 2},
		{"publish errors", testutil.ToFloat64(m.publishErrors), 1},
		{"re-enqueued", testutil.ToFloat64(m.reenqueued), 4},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.desc, tc.got, tc.want)
		}
	}
}

func TestAttemptObservesSecondsByTriggerAndOutcome(t *testing.T) {
	m := NewMetrics(nil)
	m.Attempt("AUTOMATIC", true, time.Second/256) // sums exactly in binary
	m.Attempt("AUTOMATIC", true, 2*time.Second)
	m.Attempt("MANUAL", false, 90*time.Second)

	want := `
# HELP ferry_attempt_duration_seconds Duration of recorded delivery attempts, from sending the request to the end of the response or the error.
# TYPE ferry_attempt_duration_seconds histogram
` + histogram("AUTOMATIC", "success", map[float64]int{.005: 1, 2.5: 1}, 2, 2.00390625) +
		histogram("MANUAL", "failure", map[float64]int{}, 1, 90)
	if err := testutil.CollectAndCompare(m.attempts, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

// histogram writes the exposition of one series of
// ferry_attempt_duration_seconds: cumulative counts from the bucket each
// observation first falls in (observations above 60 s only reach +Inf).
func histogram(trigger, outcome string, firstBucket map[float64]int, count int, sum float64) string {
	var b strings.Builder
	n := 0
	for _, le := range attemptBuckets {
		n += firstBucket[le]
		fmt.Fprintf(&b, "ferry_attempt_duration_seconds_bucket{outcome=%q,trigger=%q,le=\"%g\"} %d\n", outcome, trigger, le, n)
	}
	fmt.Fprintf(&b, "ferry_attempt_duration_seconds_bucket{outcome=%q,trigger=%q,le=\"+Inf\"} %d\n", outcome, trigger, count)
	fmt.Fprintf(&b, "ferry_attempt_duration_seconds_sum{outcome=%q,trigger=%q} %g\n", outcome, trigger, sum)
	fmt.Fprintf(&b, "ferry_attempt_duration_seconds_count{outcome=%q,trigger=%q} %d\n", outcome, trigger, count)
	return b.String()
}

func TestAttemptBucketsSpanFiveMillisecondsToAMinute(t *testing.T) {
	if first, last := attemptBuckets[0], attemptBuckets[len(attemptBuckets)-1]; first != .005 || last != 60 {
		t.Errorf("buckets run from %v s to %v s, want 0.005 s to 60 s (the longest request timeout)", first, last)
	}
}

func TestInFlightCountsUntilDone(t *testing.T) {
	m := NewMetrics(nil)
	gauge := m.inflight.WithLabelValues("cfg")
	done1 := m.InFlight("cfg")
	done2 := m.InFlight("cfg")
	if got := testutil.ToFloat64(gauge); got != 2 {
		t.Fatalf("two requests started: in flight %v, want 2", got)
	}
	done1()
	done2()
	if got := testutil.ToFloat64(gauge); got != 0 {
		t.Errorf("both done: in flight %v, want 0", got)
	}
}

func TestHandlerServesFerryAndRuntimeSeries(t *testing.T) {
	m := NewMetrics(nil)
	m.Published()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()

	body := get(t, srv.URL)
	for _, want := range []string{"ferry_events_published_total 1", "go_goroutines ", "process_cpu_seconds_total "} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "ferry_queue_size") {
		t.Errorf("without an inspector there should be no queue series:\n%s", body)
	}
}

func TestOperationLabel(t *testing.T) {
	for _, tc := range []struct {
		desc, query, want string
	}{
		{"named", `query Recent { events }`, "Recent"},
		{"anonymous mutation: first root field", `mutation { publishEvent(type: "a") viewer: ping }`, "publishEvent"},
		{"anonymous shorthand query", `{ viewer }`, "viewer"},
		{"alias is not the field", `{ me: viewer }`, "viewer"},
		{"first field inside an inline fragment", `query { ... on Query { events } }`, "events"},
		{"first field inside a fragment", `query { ...F } fragment F on Query { viewer }`, "viewer"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			if got := NewMetrics(nil).operationLabel(operationContext(t, tc.query)); got != tc.want {
				t.Errorf("operation label of %s: got %q, want %q", tc.query, got, tc.want)
			}
		})
	}
	if got := NewMetrics(nil).operationLabel(&graphql.OperationContext{}); got != opInvalid {
		t.Errorf("no operation (unparsable request): got %q, want %q", got, opInvalid)
	}
}

func TestOperationNamesAreBounded(t *testing.T) {
	m := NewMetrics(nil)
	for i := range maxOperationNames {
		m.operationLabel(operationContext(t, fmt.Sprintf("query Op%d { viewer }", i)))
	}
	if got := m.operationLabel(operationContext(t, "query OneTooMany { viewer }")); got != opOther {
		t.Errorf("a name past the bound: got %q, want %q", got, opOther)
	}
	if got := m.operationLabel(operationContext(t, "query Op7 { viewer }")); got != "Op7" {
		t.Errorf("a name seen before the bound: got %q, want it kept", got)
	}
}

func TestGraphQLCountsEachRequestOnceWithItsResult(t *testing.T) {
	m := NewMetrics(nil)
	g := m.GraphQL().(graphqlCounter)
	ctx := graphql.WithOperationContext(signedIn(), operationContext(t, `mutation { publishEvent(type: "a") }`))
	// An operation, with the response interceptors running inside it as the
	// executor runs them.
	operation := func(resp *graphql.Response) {
		responses := g.InterceptOperation(ctx, func(ctx context.Context) graphql.ResponseHandler {
			return func(context.Context) *graphql.Response {
				return g.InterceptResponse(ctx, func(context.Context) *graphql.Response { return resp })
			}
		})
		responses(ctx)
	}
	operation(&graphql.Response{})
	operation(&graphql.Response{Errors: gqlerror.List{{Message: "bad", Extensions: map[string]any{"code": "BAD_USER_INPUT"}}}})
	// Answered by an operation middleware: no response interceptor runs.
	g.InterceptOperation(ctx, func(context.Context) graphql.ResponseHandler {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{Message: "no", Extensions: map[string]any{"code": "UNAUTHENTICATED"}}}})
	})(ctx)
	// Refused before it was an operation: only response interceptors run.
	refused := graphql.WithOperationContext(signedIn(), &graphql.OperationContext{})
	g.InterceptResponse(refused, func(context.Context) *graphql.Response {
		return &graphql.Response{Errors: gqlerror.List{{Message: "syntax", Extensions: map[string]any{"code": "GRAPHQL_PARSE_FAILED"}}}}
	})
	// An error without a code.
	g.InterceptOperation(ctx, func(context.Context) graphql.ResponseHandler {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{Message: "?"}}})
	})(ctx)

	want := `
# HELP ferry_graphql_requests_total GraphQL requests by operation and result (ok, or the first error's extensions.code).
# TYPE ferry_graphql_requests_total counter
ferry_graphql_requests_total{operation="invalid",result="GRAPHQL_PARSE_FAILED"} 1
ferry_graphql_requests_total{operation="publishEvent",result="BAD_USER_INPUT"} 1
ferry_graphql_requests_total{operation="publishEvent",result="UNAUTHENTICATED"} 1
ferry_graphql_requests_total{operation="publishEvent",result="error"} 1
ferry_graphql_requests_total{operation="publishEvent",result="ok"} 1
`
	if err := testutil.CollectAndCompare(m.graphql, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

// signedIn is a request context with an account token's viewer.
func signedIn() context.Context {
	return viewer.NewContext(context.Background(), viewer.Viewer{Role: viewer.RoleAccount, AccountID: "acc_1", TokenID: "tok_1"})
}

// Anyone can name an operation anything: a request without a valid token
// names no series, and a long name is cut, so /metrics cannot be grown by
// strangers or by megabyte-long names.
func TestOperationNamesAreLabelsOnlyWhenSignedInAndShort(t *testing.T) {
	m := NewMetrics(nil)
	g := m.GraphQL().(graphqlCounter)
	long := "Op" + strings.Repeat("x", 900_000)
	count := func(ctx context.Context) {
		ctx = graphql.WithOperationContext(ctx, operationContext(t, "query "+long+" { viewer }"))
		g.InterceptOperation(ctx, func(context.Context) graphql.ResponseHandler {
			return graphql.OneShot(&graphql.Response{})
		})(ctx)
	}
	count(context.Background())
	count(signedIn())
	want := `
# HELP ferry_graphql_requests_total GraphQL requests by operation and result (ok, or the first error's extensions.code).
# TYPE ferry_graphql_requests_total counter
ferry_graphql_requests_total{operation="` + long[:maxOperationLabel] + `",result="ok"} 1
ferry_graphql_requests_total{operation="unauthenticated",result="ok"} 1
`
	if err := testutil.CollectAndCompare(m.graphql, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

func TestGraphQLCountsASubscriptionOnce(t *testing.T) {
	m := NewMetrics(nil)
	ctx := graphql.WithOperationContext(signedIn(), operationContext(t, `subscription Watch { events }`))
	events := 3
	responses := m.GraphQL().(graphqlCounter).InterceptOperation(ctx, func(context.Context) graphql.ResponseHandler {
		return func(context.Context) *graphql.Response {
			if events == 0 {
				return nil // end of stream
			}
			events--
			return &graphql.Response{}
		}
	})
	for responses(ctx) != nil {
	}
	if got := testutil.ToFloat64(m.graphql.WithLabelValues("Watch", "ok")); got != 1 {
		t.Errorf("a subscription with three events: counted %v times, want once", got)
	}
}

func TestQueueSizeIsReadFromRedisAtScrape(t *testing.T) {
	t.Parallel()
	opt, err := asynq.ParseRedisURI(testenv.Redis(t))
	if err != nil {
		t.Fatal(err)
	}
	inspector := asynq.NewInspector(opt)
	defer inspector.Close()
	m := NewMetrics(inspector, queue.Name, queue.Parked)

	// Nothing enqueued yet: asynq does not know the queue.
	if err := testutil.GatherAndCompare(m.registry, strings.NewReader(queueSizes(0)), "ferry_queue_size"); err != nil {
		t.Errorf("before any task: %v", err)
	}

	client := asynq.NewClient(opt)
	defer client.Close()
	if _, err := client.Enqueue(asynq.NewTask(queue.TypeDeliver, []byte(`{}`)), asynq.Queue(queue.Name)); err != nil {
		t.Fatal(err)
	}
	if err := testutil.GatherAndCompare(m.registry, strings.NewReader(queueSizes(1)), "ferry_queue_size"); err != nil {
		t.Errorf("after one task: %v", err)
	}
	if n := testutil.CollectAndCount(newQueueCollector(inspector, []string{queue.Name, queue.Parked}), "ferry_queue_latency_seconds"); n != 2 {
		t.Errorf("queue latency: %d series, want 2 (deliveries and deliveries-parked)", n)
	}
}

// queueSizes is the exposition of ferry_queue_size for the deliveries
// queue with pending tasks and no other, and the empty parked queue.
func queueSizes(pending int) string {
	return fmt.Sprintf(`
# HELP ferry_queue_size Tasks in an asynq queue, by state.
# TYPE ferry_queue_size gauge
ferry_queue_size{queue="deliveries",state="active"} 0
ferry_queue_size{queue="deliveries",state="archived"} 0
ferry_queue_size{queue="deliveries",state="pending"} %d
ferry_queue_size{queue="deliveries",state="retry"} 0
ferry_queue_size{queue="deliveries",state="scheduled"} 0
ferry_queue_size{queue="deliveries-parked",state="active"} 0
ferry_queue_size{queue="deliveries-parked",state="archived"} 0
ferry_queue_size{queue="deliveries-parked",state="pending"} 0
ferry_queue_size{queue="deliveries-parked",state="retry"} 0
ferry_queue_size{queue="deliveries-parked",state="scheduled"} 0
`, pending)
}

func TestScrapeSucceedsWithoutTheQueueWhenRedisIsDown(t *testing.T) {
	t.Parallel()
	inspector := asynq.NewInspector(asynq.RedisClientOpt{Addr: "127.0.0.1:1", DialTimeout: 100 * time.Millisecond})
	defer inspector.Close()
	m := NewMetrics(inspector, queue.Name, queue.Parked)
	m.Published()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()

	body := get(t, srv.URL)
	if !strings.Contains(body, "ferry_events_published_total 1") {
		t.Errorf("the counters should still be served:\n%s", body)
	}
	if strings.Contains(body, "ferry_queue_size{") {
		t.Errorf("queue sizes should be left out, not made up, when Redis is down:\n%s", body)
	}
}

// testSchema has the root fields the operation naming tests use.
var testSchema = gqlparser.MustLoadSchema(&ast.Source{Input: `
type Query { viewer: String, events: String }
type Mutation { publishEvent(type: String): String, ping: String }
type Subscription { events: String }
`})

// operationContext is what gqlgen puts in the context of a request for query.
func operationContext(t *testing.T, query string) *graphql.OperationContext {
	t.Helper()
	doc, err := gqlparser.LoadQuery(testSchema, query)
	if err != nil {
		t.Fatalf("test query %s: %v", query, err)
	}
	return &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0]}
}

// get returns the body of a 200 answer to GET url.
func get(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d\n%s", url, res.StatusCode, body)
	}
	return string(body)
}
