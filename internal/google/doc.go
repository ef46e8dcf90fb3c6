// Package google holds what the Google Workspace connectors
// (connectors/google_drive, connectors/gmail) share: their credentials
// and how they are checked, the service account's delegated tokens (one
// per user and scope), the OAuth consent and refresh of one user, and the
// transport that turns Google's rate-limit refusals into 429s under an
// address guard applied at dial time.
//
// A connector names itself (for error messages) and its default scope in
// Options and builds its HTTP client on what Connect returns.
package google
