// Package pgtest gives tests a PostgreSQL server: the one TRIBUTARY_PG_URL
// names (scripts/pg.sh starts one and prints its URL). Without it a test
// skips, except under CI=true, where it fails: CI always provides a server.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// EnvURL is the environment variable naming the test server.
const EnvURL = "TRIBUTARY_PG_URL"

// URL returns the test server's URL, or skips t when there is none.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is unset under CI: .ci/run starts a server with scripts/pg.sh", EnvURL)
		}
		t.Skipf("no PostgreSQL server: set %s (export %s=$(scripts/pg.sh))", EnvURL, EnvURL)
	}
	return u
}

// Schema creates a schema of its own for t, dropped when t ends, and returns
// a URL whose connections use it: tests sharing one server never see each
// other's tables.
func Schema(t testing.TB) string {
	t.Helper()
	base := URL(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	exec(t, base, `CREATE SCHEMA `+name)
	t.Cleanup(func() { exec(t, base, `DROP SCHEMA `+name+` CASCADE`) })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// Exec runs sql on the server at u, failing t on error.
func Exec(t testing.TB, u, sql string) { t.Helper(); exec(t, u, sql) }

func exec(t testing.TB, u, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatalf("connect to the test server: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
