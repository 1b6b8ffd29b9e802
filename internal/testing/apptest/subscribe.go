package apptest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// Subscription is a graphql-transport-ws client with one subscription.
type Subscription struct {
	conn *websocket.Conn
	ctx  context.Context
	msgs chan wsMessage // read by one goroutine, so a timeout never closes the connection
	err  error          // why msgs was closed
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Subscribe opens a websocket to /graphql, authenticates with token in the
// connection_init payload (none when empty) and starts query. It returns an
// error when the server refuses the connection or the subscription.
func (e *Env) Subscribe(token, query string, vars map[string]any) (*Subscription, error) {
	e.T.Helper()
	return e.SubscribeFrom("", token, query, vars)
}

// SubscribeFrom is Subscribe from a browser page of origin (no Origin
// header when empty).
func (e *Env) SubscribeFrom(origin, token, query string, vars map[string]any) (*Subscription, error) {
	e.T.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	e.T.Cleanup(cancel)
	url := "ws" + strings.TrimPrefix(e.Server.URL, "http") + "/graphql"
	opts := &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}}
	if origin != "" {
		opts.HTTPHeader = http.Header{"Origin": {origin}}
	}
	conn, _, err := websocket.Dial(ctx, url, opts)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	e.T.Cleanup(func() { _ = conn.CloseNow() })
	s := &Subscription{conn: conn, ctx: ctx}
	init := map[string]any{}
	if token != "" {
		init["Authorization"] = "Bearer " + token
	}
	if err := s.send(wsMessage{Type: "connection_init", Payload: mustJSON(init)}); err != nil {
		return nil, err
	}
	s.msgs = make(chan wsMessage, 1024)
	go s.readLoop()
	msg, err := s.read(5 * time.Second)
	if err != nil {
		return nil, fmt.Errorf("connection_init refused: %w", err)
	}
	if msg.Type != "connection_ack" {
		return nil, fmt.Errorf("connection_init answered %s %s", msg.Type, msg.Payload)
	}
	sub := mustJSON(map[string]any{"query": query, "variables": vars})
	if err := s.send(wsMessage{ID: "1", Type: "subscribe", Payload: sub}); err != nil {
		return nil, err
	}
	return s, nil
}

// Next returns the data of the next message of the subscription, or an
// error when none comes within timeout or the server sent an error.
func (s *Subscription) Next(timeout time.Duration) (json.RawMessage, error) {
	for {
		msg, err := s.read(timeout)
		if err != nil {
			return nil, err
		}
		switch msg.Type {
		case "ping":
			if err := s.send(wsMessage{Type: "pong"}); err != nil {
				return nil, err
			}
		case "pong", "ka":
		case "next":
			var p Response
			if err := json.Unmarshal(msg.Payload, &p); err != nil {
				return nil, err
			}
			if len(p.Errors) > 0 {
				return nil, fmt.Errorf("subscription error: %+v", p.Errors)
			}
			return p.Data, nil
		default:
			return nil, fmt.Errorf("subscription ended: %s %s", msg.Type, msg.Payload)
		}
	}
}

func (s *Subscription) send(m wsMessage) error {
	b, _ := json.Marshal(m)
	return s.conn.Write(s.ctx, websocket.MessageText, b)
}

func (s *Subscription) readLoop() {
	defer close(s.msgs)
	for {
		_, b, err := s.conn.Read(s.ctx)
		if err != nil {
			s.err = err
			return
		}
		var m wsMessage
		if err := json.Unmarshal(b, &m); err != nil {
			s.err = fmt.Errorf("bad message %q: %w", b, err)
			return
		}
		s.msgs <- m
	}
}

// errNoMessage is Next's error when nothing arrived in time.
var errNoMessage = fmt.Errorf("no message")

// IsTimeout reports whether err is Next's "nothing arrived in time".
func IsTimeout(err error) bool { return err == errNoMessage }

func (s *Subscription) read(timeout time.Duration) (wsMessage, error) {
	select {
	case m, ok := <-s.msgs:
		if !ok {
			return wsMessage{}, fmt.Errorf("connection closed: %w", s.err)
		}
		return m, nil
	case <-time.After(timeout):
		return wsMessage{}, errNoMessage
	}
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}
