// Package pgconf opens PostgreSQL connection pools for pgstore and pgsink
// so that a connection string's password never reaches an error or a log.
package pgconf

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Pool parses connString, connects, and checks the server answers. Its
// errors never hold the password, nor the connection string.
func Pool(ctx context.Context, connString string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, Redact(fmt.Errorf("invalid connection string: %w", err), passwordOf(connString))
	}
	pw := cfg.ConnConfig.Password
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, Redact(err, pw)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, Redact(fmt.Errorf("connect to %s as %s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.User, err), pw)
	}
	return pool, nil
}

// passwordOf finds the password in a connection string the driver could
// not parse, as a URL or as key=value pairs, so it can be cut from the
// driver's message.
func passwordOf(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		pw, _ := u.User.Password()
		return pw
	}
	if i := strings.Index(s, "://"); i >= 0 {
		if rest := s[i+3:]; strings.Contains(rest, "@") {
			cred := rest[:strings.LastIndex(rest, "@")]
			if _, pw, ok := strings.Cut(cred, ":"); ok {
				return pw
			}
		}
	}
	for f := range strings.FieldsSeq(s) {
		if v, ok := strings.CutPrefix(f, "password="); ok {
			return strings.Trim(v, `'`)
		}
	}
	return ""
}

// Redact returns err with every occurrence of password in its message
// replaced; errors.Is and errors.As still see err's chain.
func Redact(err error, password string) error {
	if err == nil || password == "" || !strings.Contains(err.Error(), password) {
		return err
	}
	return &redacted{err: err, msg: strings.ReplaceAll(err.Error(), password, "xxxxx")}
}

type redacted struct {
	err error
	msg string
}

func (r *redacted) Error() string { return r.msg }

// Is and As reach the causes while Unwrap is left out, so that printing a
// cause from the chain needs a deliberate errors.As.
func (r *redacted) Is(target error) bool { return errors.Is(r.err, target) }
func (r *redacted) As(target any) bool   { return errors.As(r.err, target) }
