package webhook_test

import (
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhq/ferry/webhook"
)

// A receiver's server. This body is the README's Go snippet, verbatim
// (snippets_test.go checks that); it is compiled, not run.
func Example() {
	verifier, err := webhook.NewVerifier(os.Getenv("FERRY_WEBHOOK_SECRET"))
	if err != nil {
		log.Fatal(err) // says what is wrong with the secret, never quotes it
	}
	http.Handle("POST /webhooks/ferry", verifier.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		event, _ := webhook.EventFrom(r.Context())
		// event.ID (deduplicate on it), event.Type, event.Data, event.OccurredAt
		log.Printf("got %s %s", event.Type, event.ID)
		w.WriteHeader(http.StatusNoContent)
	})))
	log.Fatal(http.ListenAndServe(":8080", nil))
}

// Verify checks the headers and raw body of a request; here, the published
// Standard Webhooks test vector, on a clock stopped at its timestamp.
func ExampleVerifier_Verify() {
	v, err := webhook.NewVerifier("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		log.Fatal(err)
	}
	v.Now = func() time.Time { return time.Unix(1614265330, 0) }

	h := http.Header{}
	h.Set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
	h.Set("webhook-timestamp", "1614265330")
	h.Set("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")

	fmt.Println(v.Verify(h, []byte(`{"test": 2432232314}`)))
	fmt.Println(v.Verify(h, []byte(`{"test": 2432232315}`)))

	v.Now = func() time.Time { return time.Unix(1614265330, 0).Add(6 * time.Minute) }
	err = v.Verify(h, []byte(`{"test": 2432232314}`))
	fmt.Println(errors.Is(err, webhook.ErrTooOld))
	// Output:
	// <nil>
	// webhook: no signature matches
	// true
}

// Middleware guards a handler: only verified events reach it, and the event
// is in the request's context.
func ExampleVerifier_Middleware() {
	// In production: webhook.NewVerifier(os.Getenv("FERRY_WEBHOOK_SECRET")).
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	v, err := webhook.NewVerifier(secret)
	if err != nil {
		log.Fatal(err)
	}
	handler := v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e, _ := webhook.EventFrom(r.Context())
		fmt.Printf("got %s %s: %s\n", e.Type, e.ID, e.Data)
		w.WriteHeader(http.StatusNoContent)
	}))
	// http.Handle("/webhooks/ferry", handler)

	// What Ferry would send, built with Sign as a receiver's own test would.
	body := `{"id":"evt_1","event":"billing.invoice_paid","data":{"invoice":42},"sentDate":"2025-01-01T12:00:00.000Z"}`
	now := time.Now()
	sig, err := webhook.Sign(secret, "evt_1", now, []byte(body))
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range []string{body, strings.Replace(body, "42", "43", 1)} {
		r := httptest.NewRequest(http.MethodPost, "/webhooks/ferry", strings.NewReader(b))
		r.Header.Set("webhook-id", "evt_1")
		r.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
		r.Header.Set("webhook-signature", sig)
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		fmt.Println(strings.TrimSpace(strconv.Itoa(w.Code) + " " + w.Body.String()))
	}
	// Output:
	// got billing.invoice_paid evt_1: {"invoice":42}
	// 204
	// 401 webhook signature does not match
}

// Sign makes the webhook-signature Ferry would send, for a receiver's tests.
func ExampleSign() {
	sig, err := webhook.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	fmt.Println(sig, err)
	// Output: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= <nil>
}
