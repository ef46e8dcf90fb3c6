package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tributary-dev/tributary"
)

// Instance summarizes what the database holds for one connector instance.
type Instance struct {
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Documents int       `json:"documents"`
	Failures  int       `json:"failures"`
}

// Instances lists the instances the database holds, by name.
func (s *Store) Instances(ctx context.Context) ([]Instance, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT i.name, i.created_at, i.updated_at,
			(SELECT COUNT(*) FROM tributary_inventory d WHERE d.instance_id = i.id),
			(SELECT COUNT(*) FROM tributary_failures f WHERE f.instance_id = i.id)
		FROM tributary_instances i ORDER BY i.name COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("list instances: %w", err)
	}
	defer rows.Close()
	var out []Instance
	for rows.Next() {
		var in Instance
		if err := rows.Scan(&in.Name, &in.CreatedAt, &in.UpdatedAt, &in.Documents, &in.Failures); err != nil {
			return nil, fmt.Errorf("list instances: %w", err)
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list instances: %w", err)
	}
	return out, nil
}

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
