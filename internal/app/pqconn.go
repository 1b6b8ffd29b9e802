package app

import (
	"context"
	"database/sql/driver"
	"encoding/json"
)

// With binary_parameters, lib/pq sends a statement with parameters in one
// round trip instead of two, but sends every []byte in binary, and
// PostgreSQL's binary jsonb is not JSON text. ent passes JSON columns as
// []byte, so textJSON sends a []byte holding JSON as text instead. The
// bytea columns hold sealed values, which start with the format byte 1,
// which JSON cannot.
type textJSON struct{ driver.Connector }

func (c textJSON) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return textJSONConn{conn.(pqConn)}, nil
}

// pqConn is what lib/pq's connection implements and database/sql uses.
type pqConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.NamedValueChecker
	driver.Pinger
}

type textJSONConn struct{ pqConn }

func (c textJSONConn) CheckNamedValue(nv *driver.NamedValue) error {
	if b, ok := nv.Value.([]byte); ok && b != nil && json.Valid(b) {
		nv.Value = string(b)
		return nil
	}
	if m, ok := nv.Value.(json.RawMessage); ok && m != nil {
		nv.Value = string(m)
		return nil
	}
	return c.pqConn.CheckNamedValue(nv)
}
