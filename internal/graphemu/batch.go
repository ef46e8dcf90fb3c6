package graphemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// MaxBatch is the most requests one $batch may carry, as in Graph.
const MaxBatch = 20

// The JSON batching route: POST /v1.0/$batch with up to 20 GET requests,
// each served as if sent alone (with its own faults, throttling and
// errors) and answered in one body.
func (s *Server) batchRoutes() {
	s.Handle("POST "+GraphPrefix+"/$batch", s.batch)
}

type batchRequest struct {
	ID     string `json:"id"`
	Method string `json:"method"`
	URL    string `json:"url"`
}

func (s *Server) batch(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Requests []batchRequest `json:"requests"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil || len(in.Requests) == 0 {
		writeCode(w, invalidRequest("Invalid batch payload format."))
		return
	}
	if len(in.Requests) > MaxBatch {
		writeCode(w, invalidRequest("The number of batch requests exceeds 20."))
		return
	}
	seen := map[string]bool{}
	var out []map[string]any
	for _, br := range in.Requests {
		if br.ID == "" || seen[br.ID] || !strings.EqualFold(br.Method, http.MethodGet) || !strings.HasPrefix(br.URL, "/") {
			writeCode(w, invalidRequest("Each batch request needs a unique id, the GET method and a relative URL."))
			return
		}
		seen[br.ID] = true
		sub, err := http.NewRequestWithContext(r.Context(), http.MethodGet, emulator.BaseURL(r)+GraphPrefix+br.URL, nil)
		if err != nil {
			out = append(out, map[string]any{"id": br.ID, "status": http.StatusBadRequest, "body": errorBody(invalidRequest("Invalid URL."))})
			continue
		}
		sub.Header.Set("Authorization", r.Header.Get("Authorization"))
		rec := httptest.NewRecorder()
		s.Server.ServeHTTP(rec, sub)
		resp := map[string]any{"id": br.ID, "status": rec.Code}
		if h := rec.Header().Get("Retry-After"); h != "" {
			resp["headers"] = map[string]string{"Retry-After": h}
		}
		var body any
		if json.Unmarshal(rec.Body.Bytes(), &body) == nil {
			resp["body"] = body
		}
		out = append(out, resp)
	}
	emulator.WriteJSON(w, http.StatusOK, map[string]any{"responses": out})
}
