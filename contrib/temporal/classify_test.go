package temporal

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tributary-dev/tributary"
	temporalsdk "go.temporal.io/sdk/temporal"
)

func TestClassify(t *testing.T) {
	limited := &tributary.Error{Op: "github: list issues", Kind: tributary.ErrRateLimited, RetryAfter: 42 * time.Second}
	for _, tc := range []struct {
		name         string
		err          error
		typ          string
		nonRetryable bool
		delay        time.Duration
	}{
		{"invalid config", tributary.NewError("open", tributary.ErrInvalidConfig, nil), ErrTypeInvalidConfig, true, 0},
		{"expired", fmt.Errorf("sync x: %w", tributary.NewError("list", tributary.ErrCredentialExpired, nil)), ErrTypeCredentialExpired, true, 0},
		{"permissions", tributary.NewError("list", tributary.ErrInsufficientPermissions, nil), ErrTypeInsufficientPermissions, true, 0},
		{"bad checkpoint", tributary.NewError("resume", tributary.ErrInvalidCheckpoint, nil), ErrTypeInvalidCheckpoint, true, 0},
		{"too many failures", fmt.Errorf("%w: 101", tributary.ErrTooManyFailures), ErrTypeTooManyFailures, true, 0},
		{"rate limited", fmt.Errorf("sync x: %w", limited), ErrTypeRateLimited, false, 42 * time.Second},
		{"transient", tributary.NewError("list", tributary.ErrTransient, errors.New("502")), ErrTypeTransient, false, 0},
		{"unclassified", errors.New("sink: disk full"), ErrTypeTransient, false, 0},
		{"refused share", &tributary.PruneRefusal{Reason: "too many"}, ErrTypePruneRefused, true, 0},
		{"refused flaky listing", &tributary.PruneRefusal{Reason: "listing failed", Err: limited}, ErrTypeRateLimited, false, 42 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app, ok := errors.AsType[*temporalsdk.ApplicationError](classify(tc.err))
			require.True(t, ok)
			assert.Equal(t, tc.typ, app.Type())
			assert.Equal(t, tc.nonRetryable, app.NonRetryable())
			assert.Equal(t, tc.delay, app.NextRetryDelay())
			assert.Equal(t, tc.err.Error(), app.Message())
		})
	}
	assert.ErrorIs(t, classify(context.Canceled), context.Canceled)
	assert.NoError(t, classify(nil))
}
