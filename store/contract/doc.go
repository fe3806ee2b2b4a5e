// Package contract holds the store contract suite: every behaviour the use
// cases ask of a store, run once per engine (SQLite, and the MongoDB engine
// on the FerretDB stand-in or TEST_MONGODB_URI). It has tests only.
package contract
