package sender_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkSend is one signed delivery to a loopback receiver, for
// comparing the cost of building and sending a request.
func BenchmarkSend(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	m := message(srv.URL, []byte("0123456789abcdef0123456789abcdef"))
	m.Now = nil
	b.ReportAllocs()
	for b.Loop() {
		if res := insecure.Send(context.Background(), m); !res.OK() {
			b.Fatalf("send: %+v", res)
		}
	}
}
