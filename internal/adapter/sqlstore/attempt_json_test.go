package sqlstore

import (
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// headersJSON reads back as what ent stores for the same headers
// (encoding/json's output for flatten(h)), for keys and values with every
// kind of character a header can carry: quotes, backslashes, control
// characters, multi-byte and invalid UTF-8, NUL (written as U+FFFD), and
// repeated headers.
func TestHeadersJSONReadsBackAsEntStoresThem(t *testing.T) {
	values := []string{"", "plain", `quo"te`, `back\slash`, "tab\tnew\nline\rcr", "\x01\x1f\x7f",
		"<html>&amp;", "héllo wörld", "日本語", "emoji 🚀", "line\u2028sep", "bad \xff\xfe utf8", "trunc \xe6\x97",
		"nul\x00byte", "{\"json\": [1, 2]}"}
	cases := []http.Header{{}, {"X-Only": {"one"}}, {"Set-Cookie": {"a=1", "b=\xff2"}, "Vary": {"Accept", "Origin"}}}
	for i, v := range values {
		cases = append(cases, http.Header{"X-Value": {v}, values[(i+1)%len(values)] + "-key": {v + v, v}, "A": {"first"}})
	}
	for _, h := range cases {
		got := headersJSON(h)
		// PostgreSQL takes neither invalid UTF-8 nor \u0000.
		if !utf8.ValidString(got) || strings.Contains(got, `\u0000`) {
			t.Errorf("headersJSON(%q) = %q: PostgreSQL refuses it", h, got)
		}
		var back map[string]string
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Fatalf("headersJSON(%q) = %s, not JSON: %v", h, got, err)
		}
		// What ent's encoding/json output reads back as, with NUL as jsonb
		// can store it.
		std, _ := json.Marshal(flatten(h))
		var stdBack map[string]string
		if err := json.Unmarshal(std, &stdBack); err != nil {
			t.Fatal(err)
		}
		want := make(map[string]string, len(h))
		for k, v := range stdBack {
			want[strings.ReplaceAll(k, "\x00", "\uFFFD")] = strings.ReplaceAll(v, "\x00", "\uFFFD")
		}
		if !maps.Equal(back, want) {
			t.Errorf("headersJSON(%q) reads back as %q, want %q", h, back, want)
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

// BenchmarkHeadersJSON is one attempt's request headers as SaveMany
// writes them: Ferry's own and two static ones.
func BenchmarkHeadersJSON(b *testing.B) {
	h := http.Header{
		"Content-Type": {"application/json"}, "User-Agent": {"Ferry-Webhooks/1.0"},
		"X-Ferry-Event-Id": {"evt_01HF8Y8W0ZJ4V0R5Q2KX3M9T7A"}, "Webhook-Id": {"evt_01HF8Y8W0ZJ4V0R5Q2KX3M9T7A"},
		"X-Ferry-Configuration-Id": {"cfg_01HF8Y8W0ZJ4V0R5Q2KX3M9T7B"}, "X-Ferry-Delivery-Id": {"dlv_01HF8Y8W0ZJ4V0R5Q2KX3M9T7C"},
		"X-Ferry-Attempt": {"3"}, "Webhook-Timestamp": {"1693507263"},
		"X-Signature":       {"8d2cfb57136d7f5aa59ba59a6dc91e781bc022a7aa7b90eef409d7bb68c5c3d3"},
		"Webhook-Signature": {"v1,gSHsbFZhi3MZGUH381U2FH5ArNTbUkcNNF2LMwgL6+c="},
		"Authorization":     {"••••YXNz"}, "X-Team": {"••••ling"},
	}
	b.ReportAllocs()
	for b.Loop() {
		headersJSON(h)
	}
}
