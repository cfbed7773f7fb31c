package cloudflaremock

import (
	"net/http"
)

// The /__mock routes let tests steer and inspect the mock. They sit outside /client/v4, need no
// token and answer plain JSON rather than Cloudflare envelopes, so no client mistakes them for
// the API.
//
//	POST   /__mock/reset                      forget all state, the request log and the rate-limit
//	                                          budgets (injected faults stay)
//	GET    /__mock/requests                   the request log (never bodies or headers): entries
//	                                          {"method","path","query","status","time"}, plus
//	                                          "fault" and "handler_status" on faulted requests
//	DELETE /__mock/requests                   clear the request log
//	GET    /__mock/secrets/{id}/sha256        SHA-256 of a secret's value
//	POST   /__mock/tokens/{id}/expire         set an API token's expires_on to now (tokens.go):
//	                                          it reads as `expired` and is refused (401 code 1000)
//	                                          at once; answers {"id","expires_on"}, 404
//	                                          {"error":"token_not_found"} for an unknown id
//	PUT    /__mock/faults                     replace the injected faults (faults.go)
//	GET    /__mock/faults                     the faults and how many were injected per kind
//	DELETE /__mock/faults                     remove every fault
func (s *Server) controlMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /__mock/faults", s.putFaultsControl)
	mux.HandleFunc("GET /__mock/faults", s.getFaultsControl)
	mux.HandleFunc("DELETE /__mock/faults", s.deleteFaultsControl)
	mux.HandleFunc("POST /__mock/reset", s.resetControl)
	mux.HandleFunc("GET /__mock/requests", s.listRequestsControl)
	mux.HandleFunc("DELETE /__mock/requests", s.clearRequestsControl)
	mux.HandleFunc("GET /__mock/secrets/{secret_id}/sha256", s.secretSHA256Control)
	mux.HandleFunc("POST /__mock/tokens/{token_id}/expire", s.expireTokenControl)
	return mux
}

type controlError struct {
	Error string `json:"error"`
}

var okBody = map[string]bool{"ok": true}

// resetControl forgets every store, secret and logged request (and saves the empty state).
func (s *Server) resetControl(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	s.state = newState()
	s.log = nil
	err := s.persist()
	s.mu.Unlock()
	s.limiter.reset()
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, controlError{Error: "could not save the empty state"})
		return
	}
	writeJSON(w, http.StatusOK, okBody)
}

// listRequestsControl returns every /client/v4 request served since the last reset or clear.
func (s *Server) listRequestsControl(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	requests := append(make([]LoggedRequest, 0, len(s.log)), s.log...)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, requests)
}

func (s *Server) clearRequestsControl(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	s.log = nil
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, okBody)
}

// secretSHA256Control lets a test prove which value was written without the value ever leaving
// the mock: only its digest does.
func (s *Server) secretSHA256Control(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	sec, found := s.state.Secrets[r.PathValue("secret_id")]
	var digest string
	if found {
		digest = sha256Hex(sec.Value)
	}
	s.mu.Unlock()
	if !found {
		writeJSON(w, http.StatusNotFound, controlError{Error: "secret_not_found"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"sha256": digest})
}
