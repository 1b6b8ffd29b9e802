package telemetry

import (
	"errors"
	"slices"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
)

// queueCollector reads the delivery queue from Redis at scrape time, so the
// gauges are as fresh as the scrape and cost nothing between scrapes.
type queueCollector struct {
	inspector *asynq.Inspector
	queues    []string
	size      *prometheus.Desc
	latency   *prometheus.Desc
}

func newQueueCollector(inspector *asynq.Inspector, queues []string) *queueCollector {
	return &queueCollector{
		inspector: inspector,
		queues:    queues,
		size: prometheus.NewDesc("ferry_queue_size",
			"Tasks in an asynq queue, by state.", []string{"queue", "state"}, nil),
		latency: prometheus.NewDesc("ferry_queue_latency_seconds",
			"Age of the oldest pending task in an asynq queue (0 when none is pending).", []string{"queue"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.size
	ch <- c.latency
}

// Collect implements prometheus.Collector. A Redis error leaves the queue's
// series out of this scrape rather than reporting made-up zeros.
func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	for _, name := range c.queues {
		info, err := c.info(name)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(c.size, err)
			continue
		}
		for _, s := range []struct {
			state string
			n     int
		}{
			{"pending", info.Pending},
			{"active", info.Active},
			{"scheduled", info.Scheduled},
			{"retry", info.Retry},
			{"archived", info.Archived},
		} {
			ch <- prometheus.MustNewConstMetric(c.size, prometheus.GaugeValue, float64(s.n), name, s.state)
		}
		ch <- prometheus.MustNewConstMetric(c.latency, prometheus.GaugeValue, info.Latency.Seconds(), name)
	}
}

// info returns the queue's counts; a queue asynq has never seen (nothing
// enqueued yet, or Redis emptied) is empty, not an error.
func (c *queueCollector) info(name string) (*asynq.QueueInfo, error) {
	// GetQueueInfo reports a missing queue with an error of asynq's
	// internal package rather than ErrQueueNotFound, so ask first.
	names, err := c.inspector.Queues()
	if err != nil {
		return nil, err
	}
	if !slices.Contains(names, name) {
		return &asynq.QueueInfo{Queue: name}, nil
	}
	info, err := c.inspector.GetQueueInfo(name)
	if errors.Is(err, asynq.ErrQueueNotFound) {
		return &asynq.QueueInfo{Queue: name}, nil
	}
	return info, err
}
