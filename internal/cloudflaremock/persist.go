package cloudflaremock

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// state is everything the mock remembers, exactly as the state file holds it. Secret values are
// in it: the file is the mock's database, so it is written with mode 0600.
type state struct {
	Stores  map[string]*store  `json:"stores"`
	Secrets map[string]*secret `json:"secrets"`
	// Tokens are API tokens (tokens.go): their values are NOT in the file, only SHA-256 digests.
	Tokens map[string]*apiToken `json:"tokens"`
	// Workers are Workers scripts (workers.go) keyed by "<account>/<name>"; secret_text binding
	// values are in them, like secret values.
	Workers map[string]*workerScript `json:"workers"`
	// Seq numbers objects in creation order, so lists stay stable when timestamps are equal.
	Seq uint64 `json:"seq"`
}

func newState() *state {
	return &state{Stores: map[string]*store{}, Secrets: map[string]*secret{}, Tokens: map[string]*apiToken{},
		Workers: map[string]*workerScript{}}
}

func (st *state) nextSeq() uint64 {
	st.Seq++
	return st.Seq
}

// loadState reads a state file; a file that does not exist yet is an empty state.
func loadState(path string) (*state, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return newState(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading state file: %w", err)
	}
	st := newState()
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("state file %s is not valid mock state: %w", path, err)
	}
	if st.Stores == nil {
		st.Stores = map[string]*store{}
	}
	if st.Secrets == nil {
		st.Secrets = map[string]*secret{}
	}
	if st.Tokens == nil {
		st.Tokens = map[string]*apiToken{}
	}
	return st, nil
}

// persist saves the state when a state file is configured. It runs with s.mu held.
func (s *Server) persist() error {
	if s.cfg.StateFile == "" {
		return nil
	}
	data, err := json.MarshalIndent(s.state, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(s.cfg.StateFile, data)
}

// writeFileAtomic writes a temporary file beside path and renames it over path, so a reader (or
// a mock restarted after a crash) sees the old state or the new one, never half of one.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // a no-op once the rename has happened
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
