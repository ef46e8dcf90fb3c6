package googledrive

// Scopes, one per capability: reading files, reading only their metadata
// (enough for slim listings and access), listing users, listing groups.
const (
	ScopeDriveReadonly = "https://www.googleapis.com/auth/drive.readonly"
	ScopeDriveMetadata = "https://www.googleapis.com/auth/drive.metadata.readonly"
	ScopeUserReadonly  = "https://www.googleapis.com/auth/admin.directory.user.readonly"
	ScopeGroupReadonly = "https://www.googleapis.com/auth/admin.directory.group.readonly"
)
