package main

import (
	"context"
	"log/slog"
	"time"

	"skillbook/clock"
	"skillbook/exportjob"
	"skillbook/handlers"
	"skillbook/models"
	"skillbook/notify"
	"skillbook/seed"
	"skillbook/store/mongo"
	"skillbook/store/sqlite"
	"skillbook/workflow"
)

// engine is what serve and the admin commands ask of a store. Both
// engines implement it: the embedded SQLite database (the default) and
// MongoDB (MONGODB_URI), for programs that outgrow one server.
type engine interface {
	workflow.Store
	notify.Store
	exportjob.WorkerStore
	handlers.Store
	seed.Store
	UpsertLibrary(ctx context.Context, lib []models.Checklist) (int, error)
	RunMaintenance(ctx context.Context, interval time.Duration)
	BeginArchiveImport(ctx context.Context, programID string) (models.ArchiveImport, error)
	RecordDirectExport(ctx context.Context, actor models.Actor, j models.ExportJob) (models.ExportJob, error)
	CreateUser(ctx context.Context, actor models.Actor, u models.User) (models.User, error)
	Close(ctx context.Context) error
}

var (
	_ engine = (*mongo.Store)(nil)
	_ engine = sqliteEngine{}
)

// sqliteEngine gives the SQLite store the engine's Close (SQLite has
// nothing to wait for).
type sqliteEngine struct{ *sqlite.Store }

func (e sqliteEngine) Close(context.Context) error { return e.Store.Close() }

// openStore opens the configured engine on clk, the clock that stamps its
// records and judges its leases and expiries: MongoDB when MONGODB_URI is
// set, else the SQLite database in the data directory, which this process
// then holds (a second process on it is refused, naming the holder).
func openStore(ctx context.Context, cfg config, clk clock.Clock, log *slog.Logger) (engine, error) {
	if cfg.MongoURI != "" {
		return mongo.Open(ctx, mongo.Options{
			URI:      cfg.MongoURI,
			Database: cfg.Database,
			Logger:   log,
			Timeout:  cfg.RequestTimeout,
			Clock:    clk,
		})
	}
	st, err := sqlite.Open(ctx, sqlite.Options{Dir: cfg.DataDir, Clock: clk, Logger: log})
	if err != nil {
		return nil, err
	}
	return sqliteEngine{st}, nil
}
