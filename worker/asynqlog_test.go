package worker

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// A message asynq says once per task is logged once per window, then with
// how often it was said; other messages are not held back by it.
func TestAsynqLogSaysARepeatedMessageOncePerWindow(t *testing.T) {
	var buf bytes.Buffer
	l := newAsynqLog(slog.New(slog.NewJSONHandler(&buf, nil)))
	now := time.Unix(1_700_000_000, 0)
	l.now = func() time.Time { return now }
	for i := range 100 {
		l.Warn(fmt.Sprintf(`Could not remove task id=dlv_%03d/1 type="delivery:attempt" from "asynq:{deliveries}:active"`, i))
	}
	l.Error("could not connect to redis")
	now = now.Add(repeatWindow)
	l.Warn(`Could not remove task id=dlv_100/1 type="delivery:attempt" from "asynq:{deliveries}:active"`)

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3 (first, other message, after the window):\n%s", len(lines), buf.String())
	}
	var last map[string]any
	if err := json.Unmarshal([]byte(lines[2]), &last); err != nil {
		t.Fatal(err)
	}
	if last["repeated_since_last"] != float64(99) || last["component"] != "asynq" || last["level"] != "WARN" {
		t.Errorf("the line after the window is %s, want WARN, component asynq, repeated_since_last 99", lines[2])
	}
}
