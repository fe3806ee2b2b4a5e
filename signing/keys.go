package signing

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// Config says where the signing key is. Exactly one of KeyFile, Key and
// KMSKey names it; with none, DemoDir (demo and emulator runs only) holds
// a key generated on first use.
type Config struct {
	// KeyFile is a PEM PKCS #8 Ed25519 private key (openssl genpkey
	// -algorithm ed25519).
	KeyFile string
	// Key is the private key itself: that PEM, or the 32-byte seed in
	// base64.
	Key string
	// KMSKey is a Google Cloud KMS key version (projects/…/cryptoKeyVersions/N)
	// of algorithm EC_SIGN_ED25519; the key never leaves KMS.
	KMSKey string
	// KMSEndpoint overrides KMS's address (tests).
	KMSEndpoint string
	// RetiredFile is a JWK set of retired public keys: what they signed
	// stays verifiable after a rotation.
	RetiredFile string
	// DemoDir is where a generated key lives when no key is configured.
	DemoDir string
}

// Configured says whether a production key source is set.
func (c Config) Configured() bool { return c.KeyFile != "" || c.Key != "" || c.KMSKey != "" }

// DemoKeyFile and DemoRetiredFile are the generated key's files in
// DemoDir.
const (
	DemoKeyFile     = "signing-key.pem"
	DemoRetiredFile = "signing-retired.jwks.json"
)

// Load opens the signing key c names and the key set records are checked
// against (the key's public key and the retired ones).
func Load(ctx context.Context, c Config, log *slog.Logger) (Signer, *KeySet, error) {
	sources := 0
	for _, v := range []string{c.KeyFile, c.Key, c.KMSKey} {
		if v != "" {
			sources++
		}
	}
	if sources > 1 {
		return nil, nil, errors.New("signing: set one of SIGNING_KEY_FILE, SIGNING_KEY and SIGNING_KMS_KEY")
	}
	retiredFile := c.RetiredFile
	var signer Signer
	switch {
	case c.KeyFile != "":
		k, err := ReadKeyFile(c.KeyFile)
		if err != nil {
			return nil, nil, err
		}
		signer = k
	case c.Key != "":
		priv, err := parsePrivateKey([]byte(c.Key))
		if err != nil {
			return nil, nil, fmt.Errorf("signing: SIGNING_KEY: %w", err)
		}
		signer = NewLocalKey(priv)
	case c.KMSKey != "":
		k, err := NewKMSKey(ctx, c.KMSKey, c.KMSEndpoint, nil)
		if err != nil {
			return nil, nil, err
		}
		signer = k
	case c.DemoDir != "":
		path := filepath.Join(c.DemoDir, DemoKeyFile)
		k, err := ReadKeyFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			if k, err = GenerateKeyFile(path); err == nil {
				log.Warn("signing: generated a demo signing key in the data directory; a production deployment sets SIGNING_KEY_FILE, SIGNING_KEY or SIGNING_KMS_KEY", "path", path, "keyId", k.KeyID())
			}
		}
		if err != nil {
			return nil, nil, err
		}
		signer = k
		if retiredFile == "" {
			retiredFile = filepath.Join(c.DemoDir, DemoRetiredFile)
		}
	default:
		return nil, nil, errors.New("signing: no signing key: set SIGNING_KEY_FILE, SIGNING_KEY or SIGNING_KMS_KEY")
	}
	keys, err := ReadRetired(retiredFile)
	if err != nil {
		return nil, nil, err
	}
	keys.Add(Key{Public: signer.PublicKey()})
	return signer, keys, nil
}

// ReadRetired reads a JWK set of retired keys; a missing file is an empty
// set.
func ReadRetired(path string) (*KeySet, error) {
	if path == "" {
		return NewKeySet(), nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return NewKeySet(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("signing: retired keys: %w", err)
	}
	set, err := ParseJWKS(b)
	if err != nil {
		return nil, fmt.Errorf("signing: retired keys %s: %w", path, err)
	}
	retired := NewKeySet()
	for _, k := range set.Keys() {
		k.Retired = true
		retired.Add(k)
	}
	return retired, nil
}

// ReadKeyFile reads a PEM private key file.
func ReadKeyFile(path string) (*LocalKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("signing: key file: %w", err)
	}
	priv, err := parsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("signing: key file %s: %w", path, err)
	}
	return NewLocalKey(priv), nil
}

// GenerateKeyFile writes a new private key to path (readable by its owner
// only), refusing to replace a file.
func GenerateKeyFile(path string) (*LocalKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	if err := writeKeyFile(path, priv, os.O_EXCL); err != nil {
		return nil, err
	}
	return NewLocalKey(priv), nil
}

func writeKeyFile(path string, priv ed25519.PrivateKey, flag int) error {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("signing: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|flag, 0o600)
	if err != nil {
		return fmt.Errorf("signing: key file: %w", err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return fmt.Errorf("signing: write key file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("signing: write key file: %w", err)
	}
	return f.Close()
}

// Rotate replaces the key in keyFile with a new one and adds the old
// public key to the retired set in retiredFile, so what the old key
// signed stays verifiable. The retired set is written first: a crash
// between the two leaves the old key current and also listed as retired,
// never a signed record without its key.
func Rotate(keyFile, retiredFile string) (old, current *LocalKey, err error) {
	if old, err = ReadKeyFile(keyFile); err != nil {
		return nil, nil, err
	}
	retired, err := ReadRetired(retiredFile)
	if err != nil {
		return nil, nil, err
	}
	retired.Add(Key{Public: old.PublicKey(), Retired: true})
	b, err := json.MarshalIndent(retired.JWKS(), "", "  ")
	if err != nil {
		return nil, nil, err
	}
	if err := replaceFile(retiredFile, append(b, '\n'), 0o644); err != nil {
		return nil, nil, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmp := keyFile + ".new"
	_ = os.Remove(tmp)
	if err := writeKeyFile(tmp, priv, os.O_EXCL); err != nil {
		return nil, nil, err
	}
	if err := os.Rename(tmp, keyFile); err != nil {
		return nil, nil, fmt.Errorf("signing: replace key file: %w", err)
	}
	return old, NewLocalKey(priv), nil
}

func replaceFile(path string, b []byte, mode os.FileMode) error {
	tmp := path + ".new"
	if err := os.WriteFile(tmp, b, mode); err != nil {
		return fmt.Errorf("signing: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("signing: %w", err)
	}
	return nil
}

// parsePrivateKey reads a PEM PKCS #8 Ed25519 private key or a base64
// 32-byte seed.
func parsePrivateKey(b []byte) (ed25519.PrivateKey, error) {
	if block, _ := pem.Decode(b); block != nil {
		if block.Type != "PRIVATE KEY" {
			return nil, fmt.Errorf("a %q PEM block; want PRIVATE KEY (PKCS #8 Ed25519)", block.Type)
		}
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		priv, ok := k.(ed25519.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("a %T key; want Ed25519", k)
		}
		return priv, nil
	}
	s := strings.TrimSpace(string(b))
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if seed, err := enc.DecodeString(s); err == nil && len(seed) == ed25519.SeedSize {
			return ed25519.NewKeyFromSeed(seed), nil
		}
	}
	return nil, errors.New("neither a PEM private key nor a base64 32-byte Ed25519 seed")
}

// PublicKeyPEM is pub as a PEM SubjectPublicKeyInfo (what openssl reads).
func PublicKeyPEM(pub ed25519.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic("signing: an Ed25519 public key always marshals: " + err.Error())
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// Ephemeral is a key generated for this process alone: for tests and
// benchmarks, whose records outlive nothing.
func Ephemeral() *LocalKey {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic("signing: " + err.Error())
	}
	return NewLocalKey(priv)
}
