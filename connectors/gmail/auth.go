package gmail

// Scopes, one per capability: reading mail, listing users, listing a
// mailbox's delegates.
const (
	ScopeGmailReadonly = "https://www.googleapis.com/auth/gmail.readonly"
	ScopeUserReadonly  = "https://www.googleapis.com/auth/admin.directory.user.readonly"
	ScopeGmailSettings = "https://www.googleapis.com/auth/gmail.settings.basic"
)
