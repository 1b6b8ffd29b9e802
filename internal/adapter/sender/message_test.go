package sender

import (
	"encoding/json"
	"testing"
	"time"
)

// A body is byte-identical whichever Ferry version sends it: these are the
// bytes earlier versions sent. Data is compacted and keeps '<', '>', '&'
// and U+2028 as published; blank or invalid data is {}. Event ids (pulids)
// and types (catalog names) never hold '<', '>' or '&', which are written
// as they are.
func TestBodyKeepsTheBytesEarlierVersionsSent(t *testing.T) {
	at := time.Date(2023, 8, 31, 20, 34, 23, 23_999_999, time.FixedZone("UTC+2", 7200))
	for _, c := range []struct{ id, typ, data, want string }{
		{"evt_01HF8Y8W0ZJ4V0R5Q2KX3M9T7A", "nutror.lesson_started", "{\"lesson\": 42, \"b\": [1, 2]}", "{\"id\":\"evt_01HF8Y8W0ZJ4V0R5Q2KX3M9T7A\",\"event\":\"nutror.lesson_started\",\"data\":{\"lesson\":42,\"b\":[1,2]},\"sentDate\":\"2023-08-31T18:34:23.023Z\"}"},
		{"evt_x", "ping", "{\"ü\":\"☃\"}", "{\"id\":\"evt_x\",\"event\":\"ping\",\"data\":{\"ü\":\"☃\"},\"sentDate\":\"2023-08-31T18:34:23.023Z\"}"},
		{"evt_x", "a.b", "{\"url\":\"https://x.test/?a=1&b=<2>\",\"s\":\"line\\u2028sep\u2028\"}", "{\"id\":\"evt_x\",\"event\":\"a.b\",\"data\":{\"url\":\"https://x.test/?a=1&b=<2>\",\"s\":\"line\\u2028sep\u2028\"},\"sentDate\":\"2023-08-31T18:34:23.023Z\"}"},
		{"evt_x", "a.b", "", "{\"id\":\"evt_x\",\"event\":\"a.b\",\"data\":{},\"sentDate\":\"2023-08-31T18:34:23.023Z\"}"},
		{"evt_x", "a.b", "  \n\t ", "{\"id\":\"evt_x\",\"event\":\"a.b\",\"data\":{},\"sentDate\":\"2023-08-31T18:34:23.023Z\"}"},
		{"evt_x", "a.b", "null", "{\"id\":\"evt_x\",\"event\":\"a.b\",\"data\":null,\"sentDate\":\"2023-08-31T18:34:23.023Z\"}"},
		{"evt_x", "a.b", "{\"a\":", "{\"id\":\"evt_x\",\"event\":\"a.b\",\"data\":{},\"sentDate\":\"2023-08-31T18:34:23.023Z\"}"},
		{"evt_x", "a.b", "{\"bad\":\"\xff\"}", "{\"id\":\"evt_x\",\"event\":\"a.b\",\"data\":{\"bad\":\"\xff\"},\"sentDate\":\"2023-08-31T18:34:23.023Z\"}"},
		{"evt_x", "a.b", " [1, {\"k\" : \"v\"} ] ", "{\"id\":\"evt_x\",\"event\":\"a.b\",\"data\":[1,{\"k\":\"v\"}],\"sentDate\":\"2023-08-31T18:34:23.023Z\"}"},
		{"quo\"te", "back\\slash", "{}", "{\"id\":\"quo\\\"te\",\"event\":\"back\\\\slash\",\"data\":{},\"sentDate\":\"2023-08-31T18:34:23.023Z\"}"},
		{"tab\t\x7f", "héllo日本", "{}", "{\"id\":\"tab\\t\x7f\",\"event\":\"héllo日本\",\"data\":{},\"sentDate\":\"2023-08-31T18:34:23.023Z\"}"},
		{"bad \xff", "line\u2028sep", "{}", "{\"id\":\"bad \\ufffd\",\"event\":\"line\\u2028sep\",\"data\":{},\"sentDate\":\"2023-08-31T18:34:23.023Z\"}"},
		{"", "", "{}", "{\"id\":\"\",\"event\":\"\",\"data\":{},\"sentDate\":\"2023-08-31T18:34:23.023Z\"}"},
	} {
		if got := Body(c.id, c.typ, json.RawMessage(c.data), at); string(got) != c.want {
			t.Errorf("Body(%q, %q, %q)\n = %q\nwant %q", c.id, c.typ, c.data, got, c.want)
		}
	}
}
