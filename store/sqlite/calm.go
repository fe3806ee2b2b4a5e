package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
)

// The writer's connection does not let a caller's context interrupt a
// statement: a batch of the writer (writer.go) holds many callers' work in
// one transaction, and SQLite rolls the whole transaction back when one of
// its statements is interrupted, so one request cancelled mid-statement
// would fail every other write of its batch. A caller whose context is
// done before its statement starts still gets the context's error
// (database/sql checks), and its savepoint alone is undone.

// sqliteConn is what the driver's connections implement.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
}

// calmConn is a driver connection whose statements ignore cancellation.
type calmConn struct{ sqliteConn }

func (c calmConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.sqliteConn.BeginTx(context.WithoutCancel(ctx), opts)
}

func (c calmConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.sqliteConn.PrepareContext(context.WithoutCancel(ctx), query)
}

func (c calmConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.sqliteConn.ExecContext(context.WithoutCancel(ctx), query, args)
}

func (c calmConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.sqliteConn.QueryContext(context.WithoutCancel(ctx), query, args)
}

// calmConnector opens calm connections to dsn.
type calmConnector struct {
	drv driver.Driver
	dsn string
}

func (c calmConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(sqliteConn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("sqlite: the driver's connection %T lacks a context method", conn)
	}
	return calmConn{sc}, nil
}

func (c calmConnector) Driver() driver.Driver { return c.drv }

// openCalm opens a database handle on dsn whose connections are calm.
func openCalm(dsn string) (*sql.DB, error) {
	probe, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	if err := probe.Close(); err != nil {
		return nil, err
	}
	return sql.OpenDB(calmConnector{drv: drv, dsn: dsn}), nil
}
