package telemetry

// Tracing is set up when OTEL_EXPORTER_OTLP_ENDPOINT is set; a trace goes
// from publishEvent through the task (which holds only ids and a
// traceparent) into the outgoing webhook request.

import (
	"context"
	"fmt"
	"net/http"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
)

// tracerName names Ferry's spans' instrumentation scope.
const tracerName = "github.com/ferryhq/ferry"

// SetupTracing installs an OTLP/HTTP exporter (configured by the standard
// OTEL_EXPORTER_OTLP_* variables) when getenv has an endpoint, and returns
// what flushes it at shutdown. Without one, tracing stays a no-op.
func SetupTracing(ctx context.Context, getenv func(string) string, version string) (shutdown func(context.Context) error, err error) {
	if getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return func(context.Context) error { return nil }, nil
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: %w", err)
	}
	res := resource.NewWithAttributes(semconv.SchemaURL,
		semconv.ServiceName("ferry"), semconv.ServiceVersion(version))
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	InstallTracer(tp)
	return tp.Shutdown, nil
}

// InstallTracer makes tp the provider of Ferry's spans and W3C trace context the
// propagation format (tests install an in-memory provider this way).
func InstallTracer(tp trace.TracerProvider) {
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.TraceContext{})
}

// StartSpan begins a span named name with attrs.
func StartSpan(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	return otel.Tracer(tracerName).Start(ctx, name, trace.WithAttributes(attrs...))
}

// Traceparent returns the W3C traceparent of ctx's span, or "" when there is
// none being recorded: that is what a task carries.
func Traceparent(ctx context.Context) string {
	c := propagation.MapCarrier{}
	otel.GetTextMapPropagator().Inject(ctx, c)
	return c["traceparent"]
}

// WithTraceparent returns ctx continuing the trace of a task's traceparent.
func WithTraceparent(ctx context.Context, traceparent string) context.Context {
	if traceparent == "" {
		return ctx
	}
	return otel.GetTextMapPropagator().Extract(ctx, propagation.MapCarrier{"traceparent": traceparent})
}

// Inject writes ctx's trace context (traceparent) into outgoing headers.
func Inject(ctx context.Context, h http.Header) {
	otel.GetTextMapPropagator().Inject(ctx, propagation.HeaderCarrier(h))
}
