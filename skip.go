package tributary

import "context"

// Skipper is the optional side of a Meter that hears about items a connector
// passed over on purpose: a binary file with no text, a channel the app was
// not invited to. A skip is not a failure (nothing should have been
// delivered), but a user asking why a file or channel is missing from the
// index deserves an answer, so the runner counts skips into Progress.Skipped
// and logs each one. Implementations must be safe for concurrent use.
type Skipper interface {
	// Skip records that the item named id (a document id or another name
	// the user knows it by) was passed over, and why.
	Skip(id, reason string)
}

// ReportSkip tells the run carried by ctx that the connector passed over id
// on purpose, for reason. It does nothing when the context's Meter does not
// count skips, so connectors call it unconditionally.
func ReportSkip(ctx context.Context, id, reason string) {
	if s, ok := MeterFrom(ctx).(Skipper); ok {
		s.Skip(id, reason)
	}
}
