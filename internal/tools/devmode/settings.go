package devmode

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// settings are the secrets of one dev database, kept next to it so that a
// restart keeps the same tokens and can still decrypt its signing secrets.
type settings struct {
	AdminToken    string `json:"adminToken"`
	EncryptionKey string `json:"encryptionKey"`
	DemoToken     string `json:"demoToken,omitempty"`
}

func settingsPath(dataPath string) string { return dataPath + ".secrets.json" }

// loadSettings reads the settings of dataPath, creating them on first use.
func loadSettings(dataPath string) (*settings, error) {
	path := settingsPath(dataPath)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		s := &settings{AdminToken: "dev_admin_" + randomHex(24), EncryptionKey: randomBase64(32)}
		return s, s.save(dataPath)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var s settings
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return &s, nil
}

func (s *settings) save(dataPath string) error {
	b, _ := json.MarshalIndent(s, "", "  ")
	if err := os.WriteFile(settingsPath(dataPath), b, 0o600); err != nil {
		return fmt.Errorf("write dev settings: %w", err)
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randomBase64(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}
