package dropbox

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"path"
	"strings"
	"time"
)

// entry is a listing's file, folder or deleted entry.
type entry struct {
	Tag            string    `json:".tag"`
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	PathLower      string    `json:"path_lower"`
	PathDisplay    string    `json:"path_display"`
	ClientModified time.Time `json:"client_modified"`
	ServerModified time.Time `json:"server_modified"`
	Rev            string    `json:"rev"`
	Size           int64     `json:"size"`
	ContentHash    string    `json:"content_hash"`
	IsDownloadable *bool     `json:"is_downloadable"`
	ExportInfo     *struct {
		ExportAs string `json:"export_as"`
	} `json:"export_info"`
	// SharingInfo names the shared folder above an entry in one.
	SharingInfo *struct {
		ParentSharedFolderID string `json:"parent_shared_folder_id"`
	} `json:"sharing_info"`
	HasExplicitSharedMembers *bool `json:"has_explicit_shared_members"`
}

// listPage is a list_folder answer.
type listPage struct {
	Entries []entry `json:"entries"`
	Cursor  string  `json:"cursor"`
	HasMore bool    `json:"has_more"`
}

// account is a users/get_current_account answer.
type account struct {
	AccountID string `json:"account_id"`
	Email     string `json:"email"`
	Name      struct {
		DisplayName string `json:"display_name"`
	} `json:"name"`
	RootInfo struct {
		Tag             string `json:".tag"`
		RootNamespaceID string `json:"root_namespace_id"`
		HomeNamespaceID string `json:"home_namespace_id"`
	} `json:"root_info"`
}

// members is a sharing/list_file_members answer.
type members struct {
	Users []struct {
		User struct {
			Email       string `json:"email"`
			DisplayName string `json:"display_name"`
		} `json:"user"`
	} `json:"users"`
	Groups []struct {
		Group struct {
			GroupID string `json:"group_id"`
		} `json:"group"`
	} `json:"groups"`
	Invitees []struct {
		Invitee struct {
			Email string `json:"email"`
		} `json:"invitee"`
	} `json:"invitees"`
	Cursor string `json:"cursor"`
}

// ContentHash is Dropbox's content_hash of b: the SHA-256 of the
// concatenated SHA-256 digests of its 4 MiB blocks.
func ContentHash(b []byte) string {
	const block = 4 << 20
	outer := sha256.New()
	for off := 0; off < len(b); off += block {
		sum := sha256.Sum256(b[off:min(off+block, len(b))])
		outer.Write(sum[:])
	}
	return hex.EncodeToString(outer.Sum(nil))
}

// home is the root of the document and node ids.
const home = "https://www.dropbox.com/home"

// idOf is the id of the document or node at a lower-cased path: its
// Dropbox web address, which deleted entries (that carry only a path)
// name too.
func idOf(pathLower string) string { return home + escapePath(pathLower) }

// linkOf is the web address of a display path.
func linkOf(pathDisplay string) string { return home + escapePath(pathDisplay) }

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// parentOf returns the parent of a path, "" for the top level.
func parentOf(p string) string {
	d := path.Dir(p)
	if d == "/" || d == "." {
		return ""
	}
	return d
}
