package sender

import (
	"encoding/json"
	"testing"
)

// An event id or type is written exactly as encoding/json writes it, so a
// body is byte-identical whichever Ferry version sends it.
func TestJSONStringWritesWhatEncodingJSONWrites(t *testing.T) {
	for _, s := range []string{"", "evt_01M8QX02BQ2RK7ZSQZWDE043V0", "invoice.paid", "a-b_c.d:e/f",
		`quo"te`, `back\slash`, "<tag>&", "a&b", "a>b", "tab\t", "\x7f", "héllo", "日本", "bad \xff", "line\u2028sep"} {
		want, _ := json.Marshal(s)
		if got := jsonString(s); string(got) != string(want) {
			t.Errorf("jsonString(%q) = %s, encoding/json writes %s", s, got, want)
		}
	}
}
