package google

import (
	"net/mail"
	"slices"
	"strings"
)

// IsEmail reports whether s is a bare e-mail address, as the settings
// name users and administrators.
func IsEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s, "@")
}

// SortedLower returns addresses lower-cased, sorted, without duplicates.
func SortedLower(in []string) []string {
	out := make([]string, 0, len(in))
	for _, e := range in {
		out = append(out, strings.ToLower(e))
	}
	slices.Sort(out)
	return slices.Compact(out)
}
