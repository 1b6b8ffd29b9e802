package queue

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent/schema/pulid"
)

func TestCeilSecondNeverSchedulesEarly(t *testing.T) {
	base := time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)
	for _, c := range []struct{ in, want time.Time }{
		{base, base},
		{base.Add(time.Nanosecond), base.Add(time.Second)},
		{base.Add(999 * time.Millisecond), base.Add(time.Second)},
		{base.Add(1500 * time.Millisecond), base.Add(2 * time.Second)},
	} {
		if got := ceilSecond(c.in); !got.Equal(c.want) {
			t.Errorf("ceilSecond(%s) = %s, want %s", c.in.Format(time.RFC3339Nano), got.Format(time.RFC3339Nano), c.want.Format(time.RFC3339Nano))
		}
	}
}

// Each hand-off of first attempts is a task of its own, and a payload
// without a configuration or deliveries is refused.
func TestManyTaskIDsAndPayloads(t *testing.T) {
	m := Many{Config: "cfg_1", Deliveries: []pulid.ID{"dlv_2", "dlv_3"}}
	first := m.TaskID()
	m.HandOff = 1
	if m.TaskID() == first {
		t.Errorf("a hand-off has the task id of its task, %s", first)
	}
	payload, _ := json.Marshal(m)
	got, err := ParseMany(payload)
	if err != nil || got.TaskID() != m.TaskID() || len(got.Deliveries) != 2 {
		t.Errorf("ParseMany(%s) = %+v, %v", payload, got, err)
	}
	for _, bad := range []string{`{}`, `{"c":"cfg_1","d":[]}`, `{"d":["dlv_2"]}`, `{"c":"cfg_1","d":[""]}`, `nope`} {
		if _, err := ParseMany([]byte(bad)); err == nil {
			t.Errorf("ParseMany(%s) accepted it", bad)
		}
	}
}
