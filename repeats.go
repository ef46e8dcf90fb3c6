package tributary

import "fmt"

// RepeatRule says how a run recognises a document it delivered before, so
// that it can drop the repeat instead of handing it to the sink again. Both
// rules drop the repeats a lookback overlap yields; they differ in what a
// document may change without being delivered again.
type RepeatRule int

const (
	// RepeatsByContent, the default, drops a document whose content hash
	// (Document.ContentHash: id, times, text, metadata, owners, parent and
	// access) equals the inventory's. Any change reaches the sink, even one
	// the source did not stamp with a new update time, such as a change of
	// access; the price is hashing every document.
	RepeatsByContent RepeatRule = iota
	// RepeatsByUpdateTime drops a document whose update time equals the
	// inventory's, without hashing it: about half the runner's cost per
	// document. A change that leaves the update time alone is not delivered
	// until the time moves, so it suits sources whose update times cover
	// every change an index keeps. Documents without an update time are
	// compared by content hash. The inventory keeps no hash for the
	// others, so a later run by content delivers each of them once more.
	RepeatsByUpdateTime
)

var repeatRuleNames = [...]string{RepeatsByContent: "content", RepeatsByUpdateTime: "update-time"}

// String returns the rule's name: "content" or "update-time".
func (r RepeatRule) String() string {
	if r < 0 || int(r) >= len(repeatRuleNames) {
		return fmt.Sprintf("RepeatRule(%d)", int(r))
	}
	return repeatRuleNames[r]
}

// MarshalText implements encoding.TextMarshaler with the rule's name.
func (r RepeatRule) MarshalText() ([]byte, error) {
	if r < 0 || int(r) >= len(repeatRuleNames) {
		return nil, fmt.Errorf("%w: unknown repeat rule %d", ErrInvalidConfig, int(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler: it takes "content"
// or "update-time".
func (r *RepeatRule) UnmarshalText(b []byte) error {
	for i, name := range repeatRuleNames {
		if string(b) == name {
			*r = RepeatRule(i)
			return nil
		}
	}
	return fmt.Errorf("%w: repeat rule %q is not \"content\" or \"update-time\"", ErrInvalidConfig, b)
}

// Entry returns the inventory entry the rule keeps for d: its id, its
// update time, the hash of its access and, where the rule compares
// content, its content hash.
func (r RepeatRule) Entry(d *Document) InventoryEntry {
	e := InventoryEntry{ID: d.ID, UpdatedAt: d.UpdatedAt.UTC(), AccessHash: d.ExternalAccess.Hash()}
	if r != RepeatsByUpdateTime || d.UpdatedAt.IsZero() {
		e.Hash = d.ContentHash()
	}
	return e
}

// Repeats reports whether a document whose entry (from Entry) is e repeats
// the stored entry old of the same id.
func (r RepeatRule) Repeats(e, old InventoryEntry) bool {
	if e.Hash == "" {
		return !e.UpdatedAt.IsZero() && e.UpdatedAt.Equal(old.UpdatedAt)
	}
	return e.Hash == old.Hash
}
