package worker

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"time"
)

// asynqLog lets asynq log through slog. asynq says the same thing once per
// task when Redis trouble hits them all (a wiped Redis: "could not remove
// task id=…" for every task in flight), so a message repeated with other
// task ids is logged once per repeatWindow, with how many times it was
// said meanwhile.
type asynqLog struct {
	l   *slog.Logger
	now func() time.Time

	mu   sync.Mutex
	seen map[string]*repeat
}

type repeat struct {
	at         time.Time // when it was last logged
	suppressed int
}

// repeatWindow is how long a message is not logged again.
const repeatWindow = 10 * time.Second

// taskIDs are what differs between two sayings of one message.
var taskIDs = regexp.MustCompile(`id=\S+`)

func newAsynqLog(l *slog.Logger) *asynqLog {
	return &asynqLog{l: l, now: time.Now, seen: map[string]*repeat{}}
}

func (a *asynqLog) Debug(args ...any) { a.log(slog.LevelDebug, args) }
func (a *asynqLog) Info(args ...any)  { a.log(slog.LevelInfo, args) }
func (a *asynqLog) Warn(args ...any)  { a.log(slog.LevelWarn, args) }
func (a *asynqLog) Error(args ...any) { a.log(slog.LevelError, args) }
func (a *asynqLog) Fatal(args ...any) { a.log(slog.LevelError, append(args, " (fatal)")) }

func (a *asynqLog) log(level slog.Level, args []any) {
	ctx := context.Background()
	if !a.l.Enabled(ctx, level) {
		return
	}
	msg := fmt.Sprint(args...)
	repeated, ok := a.admit(level.String() + taskIDs.ReplaceAllString(msg, "id=…"))
	if !ok {
		return
	}
	attrs := []any{"component", "asynq"}
	if repeated > 0 {
		attrs = append(attrs, "repeated_since_last", repeated)
	}
	a.l.Log(ctx, level, msg, attrs...)
}

// admit reports whether the message of key may be logged now, and how
// many times it was held back since it last was.
func (a *asynqLog) admit(key string) (held int, ok bool) {
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.seen[key]
	if r != nil && now.Sub(r.at) < repeatWindow {
		r.suppressed++
		return 0, false
	}
	if r == nil {
		if len(a.seen) >= 1000 {
			clear(a.seen)
		}
		r = &repeat{}
		a.seen[key] = r
	}
	held, r.at, r.suppressed = r.suppressed, now, 0
	return held, true
}
