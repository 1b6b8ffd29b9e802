package attempts

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"unicode/utf8"
)

// jsonObject reads back as the map it was given, as encoding/json's output
// does, for keys and values with every kind of character a header can
// carry: quotes, backslashes, control characters, multi-byte and invalid
// UTF-8 (read back as U+FFFD), and NUL (written as U+FFFD).
func TestJSONObjectReadsBackAsEncodingJSONWrites(t *testing.T) {
	values := []string{"", "plain", `quo"te`, `back\slash`, "tab\tnew\nline\rcr", "\x01\x1f\x7f",
		"<html>&amp;", "héllo wörld", "日本語", "emoji 🚀", "line\u2028sep", "bad \xff\xfe utf8", "trunc \xe6\x97",
		"nul\x00byte", "{\"json\": [1, 2]}"}
	cases := []map[string]string{{}, {"X-Only": "one"}}
	for i, v := range values {
		cases = append(cases, map[string]string{"X-Value": v, values[(i+1)%len(values)] + "-key": v + v, "A": "first"})
	}
	for _, m := range cases {
		got := jsonObject(m)
		// PostgreSQL takes neither invalid UTF-8 nor \u0000.
		if !utf8.ValidString(got) || strings.Contains(got, `\u0000`) {
			t.Errorf("jsonObject(%q) = %q: PostgreSQL refuses it", m, got)
		}
		var back map[string]string
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Fatalf("jsonObject(%q) = %s, not JSON: %v", m, got, err)
		}
		// What encoding/json's output reads back as, with NUL as jsonb
		// can store it.
		std, _ := json.Marshal(m)
		var stdBack map[string]string
		if err := json.Unmarshal(std, &stdBack); err != nil {
			t.Fatal(err)
		}
		want := make(map[string]string, len(m))
		for k, v := range stdBack {
			want[strings.ReplaceAll(k, "\x00", "\uFFFD")] = strings.ReplaceAll(v, "\x00", "\uFFFD")
		}
		if !maps.Equal(back, want) {
			t.Errorf("jsonObject(%q) reads back as %q, want %q", m, back, want)
		}
		// The keys are sorted, as encoding/json sorts them.
		std, _ = json.Marshal(want)
		var order, stdOrder []string
		for _, s := range []struct {
			raw string
			out *[]string
		}{{got, &order}, {string(std), &stdOrder}} {
			dec := json.NewDecoder(strings.NewReader(s.raw))
			dec.Token()
			for dec.More() {
				k, _ := dec.Token()
				*s.out = append(*s.out, k.(string))
				dec.Token()
			}
		}
		if strings.Join(order, "\x00") != strings.Join(stdOrder, "\x00") {
			t.Errorf("keys in order %q, encoding/json's %q", order, stdOrder)
		}
	}
}
