package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tributary-dev/tributary"
)

// RecordedFailure is a failure the runner recorded, with when it did.
type RecordedFailure struct {
	At time.Time
	tributary.Failure
}

// Failures returns the instance's most recent failures, newest first, at
// most limit of them. The cause of each is kept as text: Err holds an error
// whose message is the recorded one.
func (s *Store) Failures(ctx context.Context, instance string, limit int) ([]RecordedFailure, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT f.at, f.document_id, f.entity_id, f.link, f.missed_start, f.missed_end, f.message, f.error
		FROM tributary_failures f JOIN tributary_instances i ON i.id = f.instance_id
		WHERE i.name = $1 ORDER BY f.id DESC LIMIT $2`, instance, limit)
	if err != nil {
		return nil, fmt.Errorf("list failures of %s: %w", instance, err)
	}
	defer rows.Close()
	var out []RecordedFailure
	for rows.Next() {
		var f RecordedFailure
		var ms, me *string
		var cause string
		if err := rows.Scan(&f.At, &f.DocumentID, &f.EntityID, &f.Link, &ms, &me, &f.Message, &cause); err != nil {
			return nil, fmt.Errorf("list failures of %s: %w", instance, err)
		}
		if err := errors.Join(scanTime(ms, &f.MissedStart), scanTime(me, &f.MissedEnd)); err != nil {
			return nil, fmt.Errorf("list failures of %s: %w", instance, err)
		}
		if cause != "" {
			f.Err = errors.New(cause)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list failures of %s: %w", instance, err)
	}
	return out, nil
}
