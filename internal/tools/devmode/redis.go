package devmode

import (
	"fmt"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// expiryTick is how often the in-process Redis moves its clock on.
const expiryTick = 250 * time.Millisecond

// Redis is an in-process Redis (miniredis) on a loopback port, for dev mode
// and tests of it. miniredis never expires keys by itself; Redis advances
// its clock in real time so leases, locks and asynq's bookkeeping expire as
// they would on a real server. It keeps nothing when the process ends: the
// recovery loop rebuilds the queue from the database at start.
type Redis struct {
	mr   *miniredis.Miniredis
	stop chan struct{}
	done chan struct{}
}

// StartRedis starts an in-process Redis.
func StartRedis() (*Redis, error) {
	mr := miniredis.NewMiniRedis()
	if err := mr.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("start in-process Redis: %w", err)
	}
	r := &Redis{mr: mr, stop: make(chan struct{}), done: make(chan struct{})}
	go r.tick()
	return r, nil
}

func (r *Redis) tick() {
	defer close(r.done)
	t := time.NewTicker(expiryTick)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			r.mr.FastForward(expiryTick)
		}
	}
}

// URL is the redis:// URL of the server.
func (r *Redis) URL() string { return "redis://" + r.mr.Addr() + "/0" }

// Close stops the server.
func (r *Redis) Close() {
	close(r.stop)
	<-r.done
	r.mr.Close()
}
