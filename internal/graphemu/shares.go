package graphemu

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// The shares route resolves a sharing URL or a file's webUrl to its
// driveItem: /shares/u!{base64url of the URL}/driveItem.
func (s *Server) shareRoutes() {
	s.Handle("GET "+GraphPrefix+"/shares/{token}/driveItem", s.serve(s.share))
}

func (s *Server) share(c *call) (int, any) {
	if !c.sharePoint() {
		return 0, accessDenied()
	}
	enc, ok := strings.CutPrefix(c.r.PathValue("token"), "u!")
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(enc, "="))
	if !ok || err != nil {
		return 0, invalidRequest("Invalid sharing token.")
	}
	want := string(raw)
	for _, d := range s.data.Drives {
		for _, it := range d.Items {
			if !it.Deleted && it.ParentID != "" && strings.EqualFold(s.itemURL(d, it), want) {
				return http.StatusOK, s.itemJSON(c, d, it, true)
			}
		}
	}
	return 0, itemNotFound("The sharing link no longer exists, or you do not have permission to access it.")
}
