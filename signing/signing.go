// Package signing signs Skillbook's records with Ed25519 and checks them
// against the published public keys.
//
// A signature covers a record's canonical bytes (models.SignedRecord) and
// names its key by id: the RFC 7638 thumbprint of the public key, so the
// id cannot be chosen apart from the key. The private key lives outside
// the database (a key file, an environment variable, or Google Cloud KMS);
// public keys, current and retired, are published as a JWK set so anyone
// can check a record without Skillbook.
package signing

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// Signer signs bytes with one Ed25519 key.
type Signer interface {
	// KeyID names the key a verifier needs.
	KeyID() string
	// PublicKey is the key signatures verify with.
	PublicKey() ed25519.PublicKey
	// Sign returns the Ed25519 signature of msg.
	Sign(ctx context.Context, msg []byte) ([]byte, error)
}

// KeyID is the RFC 7638 JWK thumbprint of an Ed25519 public key, base64url
// without padding.
func KeyID(pub ed25519.PublicKey) string {
	// The thumbprint's members in lexicographic order, no white space.
	canonical := `{"crv":"Ed25519","kty":"OKP","x":"` + base64.RawURLEncoding.EncodeToString(pub) + `"}`
	sum := sha256.Sum256([]byte(canonical))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// LocalKey signs with a private key held in memory.
type LocalKey struct {
	private ed25519.PrivateKey
	id      string
}

// NewLocalKey signs with private.
func NewLocalKey(private ed25519.PrivateKey) *LocalKey {
	return &LocalKey{private: private, id: KeyID(private.Public().(ed25519.PublicKey))}
}

// KeyID implements Signer.
func (k *LocalKey) KeyID() string { return k.id }

// PublicKey implements Signer.
func (k *LocalKey) PublicKey() ed25519.PublicKey { return k.private.Public().(ed25519.PublicKey) }

// Sign implements Signer.
func (k *LocalKey) Sign(_ context.Context, msg []byte) ([]byte, error) {
	return ed25519.Sign(k.private, msg), nil
}

// KeySet is a set of the key's public key alone.
func (k *LocalKey) KeySet() *KeySet { return NewKeySet(Key{Public: k.PublicKey()}) }

// KeySet is the public keys records are checked against: the current
// signing key's and every retired one's.
type KeySet struct {
	mu   sync.RWMutex
	keys map[string]Key
}

// Key is one published public key.
type Key struct {
	ID     string
	Public ed25519.PublicKey
	// Retired says the key signs no more; what it signed stays verifiable.
	Retired bool
}

// NewKeySet holds keys.
func NewKeySet(keys ...Key) *KeySet {
	s := &KeySet{keys: map[string]Key{}}
	for _, k := range keys {
		s.Add(k)
	}
	return s
}

// Add publishes k (its id is recomputed from the key).
func (s *KeySet) Add(k Key) {
	k.ID = KeyID(k.Public)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.keys[k.ID]; ok && !old.Retired {
		k.Retired = false
	}
	s.keys[k.ID] = k
}

// PublicKey returns the key named id.
func (s *KeySet) PublicKey(id string) (ed25519.PublicKey, bool) {
	if s == nil {
		return nil, false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	k, ok := s.keys[id]
	return k.Public, ok
}

// Keys lists the set's keys, current first, then by id.
func (s *KeySet) Keys() []Key {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Key, 0, len(s.keys))
	for _, k := range s.keys {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b Key) int {
		switch {
		case a.Retired != b.Retired && !a.Retired:
			return -1
		case a.Retired != b.Retired:
			return 1
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}

// Verify reports whether sig (base64url) is keyID's signature of msg.
func (s *KeySet) Verify(keyID string, msg []byte, sig string) error {
	pub, ok := s.PublicKey(keyID)
	if !ok {
		return fmt.Errorf("signed with key %q, which is not a published key", keyID)
	}
	raw, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return errors.New("the signature is not a base64url Ed25519 signature")
	}
	if !ed25519.Verify(pub, msg, raw) {
		return errors.New("the signature does not match the record")
	}
	return nil
}

// JWK is one key of a JWK set (RFC 7517, RFC 8037 for Ed25519).
type JWK struct {
	KeyType string `json:"kty" doc:"Always OKP."`
	Curve   string `json:"crv" doc:"Always Ed25519."`
	X       string `json:"x" doc:"The public key, base64url."`
	KeyID   string `json:"kid" doc:"The key's RFC 7638 thumbprint; signatures name their key by it."`
	Use     string `json:"use" doc:"Always sig."`
	Alg     string `json:"alg" doc:"Always EdDSA."`
	// Status says whether the key signs now (current) or only verifies
	// what it signed before a rotation (retired).
	Status string `json:"status,omitempty" enum:"current,retired" doc:"current: signs new records; retired: verifies records signed before a rotation."`
}

// JWKSet is a JSON Web Key Set.
type JWKSet struct {
	Keys []JWK `json:"keys"`
}

// JWKS is the set as a JSON Web Key Set.
func (s *KeySet) JWKS() JWKSet {
	out := JWKSet{Keys: []JWK{}}
	for _, k := range s.Keys() {
		status := "current"
		if k.Retired {
			status = "retired"
		}
		out.Keys = append(out.Keys, JWK{KeyType: "OKP", Curve: "Ed25519", X: base64.RawURLEncoding.EncodeToString(k.Public),
			KeyID: k.ID, Use: "sig", Alg: "EdDSA", Status: status})
	}
	return out
}

// ParseJWKS reads a JWK set, keeping its Ed25519 keys. A key whose kid is
// not its thumbprint is refused: ids are never taken on trust.
func ParseJWKS(b []byte) (*KeySet, error) {
	var set JWKSet
	if err := json.Unmarshal(b, &set); err != nil {
		return nil, fmt.Errorf("a JWK set: %w", err)
	}
	s := NewKeySet()
	for i, k := range set.Keys {
		if k.KeyType != "OKP" || k.Curve != "Ed25519" {
			continue
		}
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("key %d: x is not a base64url Ed25519 public key", i+1)
		}
		pub := ed25519.PublicKey(x)
		if k.KeyID != "" && k.KeyID != KeyID(pub) {
			return nil, fmt.Errorf("key %d: kid %q is not the key's thumbprint %q", i+1, k.KeyID, KeyID(pub))
		}
		s.Add(Key{Public: pub, Retired: k.Status == "retired"})
	}
	return s, nil
}
