// Package telemetry is what Ferry tells its operators beyond logs: metrics
// for Prometheus (deliveries by outcome, attempt durations, requests in
// flight, the delivery queue as asynq sees it, events published, recovery
// and GraphQL requests) and OpenTelemetry traces (tracing.go).
//
// A nil *Metrics counts nothing, so packages and tests that never set one
// keep working unchanged.
package telemetry

import (
	"net/http"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// attemptBuckets span a receiver answering in a few milliseconds to one
// timing out at the 60 s maximum request timeout.
var attemptBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// Metrics holds Ferry's series in a registry of its own, so that parallel
// tests, each with an App, never share a counter.
type Metrics struct {
	registry      *prometheus.Registry
	created       *prometheus.CounterVec
	deliveries    *prometheus.CounterVec
	attempts      *prometheus.HistogramVec
	inflight      *prometheus.GaugeVec
	published     prometheus.Counter
	publishErrors prometheus.Counter
	reenqueued    prometheus.Counter
	graphql       *prometheus.CounterVec

	mu         sync.Mutex
	operations map[string]bool // operation label values in use; see operationLabel
}

// NewMetrics registers Ferry's series, the Go runtime's and the process's.
// With an inspector, the named asynq queues are read from Redis at each
// scrape; nil leaves the queue series out.
func NewMetrics(inspector *asynq.Inspector, queues ...string) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		created: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ferry_deliveries_created_total",
			Help: "Deliveries created by publishing an event, by configuration.",
		}, []string{"configuration_id"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ferry_deliveries_total",
			Help: "Deliveries moved to a status by an attempt (SUCCEEDED, RETRYING, FAILED) or by cancellation (CANCELLED).",
		}, []string{"status", "configuration_id"}),
		attempts: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ferry_attempt_duration_seconds",
			Help:    "Duration of recorded delivery attempts, from sending the request to the end of the response or the error.",
			Buckets: attemptBuckets,
		}, []string{"trigger", "outcome"}),
		inflight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "ferry_inflight_requests",
			Help: "Requests this process is making to each configuration right now.",
		}, []string{"configuration_id"}),
		published: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ferry_events_published_total",
			Help: "Events stored by publishing (an idempotent replay is not counted again).",
		}),
		publishErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ferry_publish_errors_total",
			Help: "Publishes refused or failed, invalid input included.",
		}),
		reenqueued: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ferry_recovery_reenqueued_total",
			Help: "Overdue deliveries the recovery loop enqueued (or found already queued).",
		}),
		graphql: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ferry_graphql_requests_total",
			Help: "GraphQL requests by operation and result (ok, or the first error's extensions.code).",
		}, []string{"operation", "result"}),
		operations: map[string]bool{},
	}
	m.registry.MustRegister(
		m.created, m.deliveries, m.attempts, m.inflight,
		m.published, m.publishErrors, m.reenqueued, m.graphql,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if inspector != nil {
		m.registry.MustRegister(newQueueCollector(inspector, queues))
	}
	return m
}

// Handler serves the registry in the Prometheus text format. When Redis
// does not answer, the scrape still succeeds without the queue series, so
// the delivery counters stay visible exactly when they matter.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Created counts n deliveries created for configuration cfgID.
func (m *Metrics) Created(cfgID string, n int) {
	if m == nil {
		return
	}
	m.created.WithLabelValues(cfgID).Add(float64(n))
}

// Ended counts a delivery of configuration cfgID moved to status (a
// delivery.Status) by an attempt or by cancellation.
func (m *Metrics) Ended(status, cfgID string) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(status, cfgID).Inc()
}

// Attempt observes the duration of one recorded attempt: trigger is the
// attempt's deliveryattempt.Trigger (AUTOMATIC, MANUAL, PING, TEST) and ok
// whether the receiver accepted it.
func (m *Metrics) Attempt(trigger string, ok bool, d time.Duration) {
	if m == nil {
		return
	}
	outcome := "failure"
	if ok {
		outcome = "success"
	}
	m.attempts.WithLabelValues(trigger, outcome).Observe(d.Seconds())
}

// InFlight counts a request to configuration cfgID as in flight until done
// is called, once.
func (m *Metrics) InFlight(cfgID string) (done func()) {
	if m == nil {
		return func() {}
	}
	g := m.inflight.WithLabelValues(cfgID)
	g.Inc()
	return g.Dec
}

// Published counts one event stored.
func (m *Metrics) Published() {
	if m == nil {
		return
	}
	m.published.Inc()
}

// PublishFailed counts one publish that returned an error.
func (m *Metrics) PublishFailed() {
	if m == nil {
		return
	}
	m.publishErrors.Inc()
}

// Reenqueued counts n deliveries enqueued by the recovery loop.
func (m *Metrics) Reenqueued(n int) {
	if m == nil || n <= 0 {
		return
	}
	m.reenqueued.Add(float64(n))
}
