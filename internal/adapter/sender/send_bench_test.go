package sender_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/adapter/sender"
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

// BenchmarkBody builds the JSON a receiver gets, for an event of a few
// fields and for one of about 1 KiB.
func BenchmarkBody(b *testing.B) {
	m := message("http://receiver.test")
	large := `{"order":{"id":"ord_8841","total":12990,"currency":"BRL","customer":{"name":"Ana Souza","email":"ana@example.com"},` +
		`"items":[` + strings.Repeat(`{"sku":"SKU-00042","qty":2,"url":"https://shop.example/p?id=42&ref=mail"},`, 10) +
		`{"sku":"SKU-00043","qty":1,"url":"https://shop.example/p?id=43&ref=mail"}]},"note":"<b>gift</b> – obrigado"}`
	for _, c := range []struct {
		name string
		data json.RawMessage
	}{{"small", m.Data}, {"1KiB", json.RawMessage(large)}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sender.Body(m.EventID, m.EventType, c.data, m.OccurredAt)
			}
		})
	}
}
