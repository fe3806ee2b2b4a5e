package signing

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestKeyIDIsTheRFC7638Thumbprint checks the key id against RFC 8037's
// worked example (appendix A.3): the thumbprint of its Ed25519 key.
func TestKeyIDIsTheRFC7638Thumbprint(t *testing.T) {
	x, err := base64.RawURLEncoding.DecodeString("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := KeyID(x), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"; got != want {
		t.Fatalf("KeyID = %s; want RFC 8037's %s", got, want)
	}
}

func TestLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	keyFile := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(keyFile, []byte(pemKey), 0o600); err != nil {
		t.Fatal(err)
	}
	want := KeyID(priv.Public().(ed25519.PublicKey))
	seed := base64.StdEncoding.EncodeToString(priv.Seed())
	tests := []struct {
		name    string
		cfg     Config
		wantID  string
		wantErr string
	}{
		{"a key file", Config{KeyFile: keyFile}, want, ""},
		{"the PEM in the environment", Config{Key: pemKey}, want, ""},
		{"the seed in base64", Config{Key: seed}, want, ""},
		{"the seed in base64url without padding", Config{Key: base64.RawURLEncoding.EncodeToString(priv.Seed())}, want, ""},
		{"two sources", Config{KeyFile: keyFile, Key: seed}, "", "set one of"},
		{"no key and no demo directory", Config{}, "", "no signing key"},
		{"a missing key file", Config{KeyFile: filepath.Join(dir, "nope.pem")}, "", "key file"},
		{"not a key", Config{Key: "hello"}, "", "neither a PEM"},
		{"an RSA-sized seed", Config{Key: base64.StdEncoding.EncodeToString(make([]byte, 64))}, "", "neither a PEM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, keys, err := Load(ctx, tt.cfg, discard())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load = %v; want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || k.KeyID() != tt.wantID {
				t.Fatalf("Load = %v, %v; want key %s", k, err, tt.wantID)
			}
			if _, ok := keys.PublicKey(tt.wantID); !ok {
				t.Fatalf("the key set does not publish the signing key")
			}
		})
	}
}

// TestDemoKeyIsGeneratedOnceWithAWarning checks the demo key: generated on
// first use, readable by its owner only, the same key on the next start.
func TestDemoKeyIsGeneratedOnceWithAWarning(t *testing.T) {
	dir := t.TempDir()
	var logs bytes.Buffer
	first, _, err := Load(context.Background(), Config{DemoDir: dir}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "SIGNING_KEY_FILE") {
		t.Errorf("generating the demo key logged %q; want a warning naming the production settings", logs.String())
	}
	fi, err := os.Stat(filepath.Join(dir, DemoKeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("demo key file: %v, mode %v; want 0600", err, fi.Mode())
	}
	again, _, err := Load(context.Background(), Config{DemoDir: dir}, discard())
	if err != nil || again.KeyID() != first.KeyID() {
		t.Fatalf("second Load = %v, %v; want the same key %s", again.KeyID(), err, first.KeyID())
	}
}

// TestRotateKeepsOldSignaturesVerifiable rotates a key file: new records
// are signed with the new key, and what the old key signed still verifies
// against the published set, where the old key is listed as retired.
func TestRotateKeepsOldSignaturesVerifiable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	keyFile, retired := filepath.Join(dir, "key.pem"), filepath.Join(dir, "retired.json")
	old, err := GenerateKeyFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := GenerateKeyFile(keyFile); err == nil {
		t.Fatal("GenerateKeyFile replaced an existing key file")
	}
	msg := []byte(`{"record":1}`)
	oldSig, _ := old.Sign(ctx, msg)
	gotOld, current, err := Rotate(keyFile, retired)
	if err != nil || gotOld.KeyID() != old.KeyID() || current.KeyID() == old.KeyID() {
		t.Fatalf("Rotate = %v, %v, %v", gotOld, current, err)
	}
	k, keys, err := Load(ctx, Config{KeyFile: keyFile, RetiredFile: retired}, discard())
	if err != nil || k.KeyID() != current.KeyID() {
		t.Fatalf("Load after rotation = %v, %v; want the new key", k, err)
	}
	if err := keys.Verify(old.KeyID(), msg, base64.RawURLEncoding.EncodeToString(oldSig)); err != nil {
		t.Fatalf("a signature of the retired key: %v; want it to verify", err)
	}
	status := map[string]string{}
	for _, j := range keys.JWKS().Keys {
		status[j.KeyID] = j.Status
	}
	if status[old.KeyID()] != "retired" || status[current.KeyID()] != "current" || len(status) != 2 {
		t.Fatalf("published keys %v; want the old one retired, the new one current", status)
	}
	// A second rotation keeps both earlier keys.
	if _, _, err := Rotate(keyFile, retired); err != nil {
		t.Fatal(err)
	}
	if _, keys, _ = Load(ctx, Config{KeyFile: keyFile, RetiredFile: retired}, discard()); len(keys.Keys()) != 3 {
		t.Fatalf("after two rotations %d keys are published; want 3", len(keys.Keys()))
	}
}

func TestVerifyRefuses(t *testing.T) {
	ctx := context.Background()
	k := Ephemeral()
	keys := k.KeySet()
	msg := []byte("record")
	raw, _ := k.Sign(ctx, msg)
	sig := base64.RawURLEncoding.EncodeToString(raw)
	tests := []struct {
		name, keyID, sig string
		msg              []byte
		want             string
	}{
		{"another record", k.KeyID(), sig, []byte("record!"), "does not match"},
		{"an unknown key", Ephemeral().KeyID(), sig, msg, "not a published key"},
		{"not base64url", k.KeyID(), "***", msg, "not a base64url"},
		{"too short", k.KeyID(), sig[:40], msg, "not a base64url"},
	}
	for _, tt := range tests {
		if err := keys.Verify(tt.keyID, tt.msg, tt.sig); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Verify = %v; want %q", tt.name, err, tt.want)
		}
	}
	if err := keys.Verify(k.KeyID(), msg, sig); err != nil {
		t.Errorf("Verify of the genuine signature = %v", err)
	}
}

func TestParseJWKS(t *testing.T) {
	k := Ephemeral()
	good, _ := json.Marshal(k.KeySet().JWKS())
	set, err := ParseJWKS(good)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := set.PublicKey(k.KeyID()); !ok {
		t.Fatalf("the parsed set lacks %s", k.KeyID())
	}
	x := base64.RawURLEncoding.EncodeToString(k.PublicKey())
	for name, doc := range map[string]string{
		"a kid that is not the thumbprint": `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"` + x + `","kid":"mine"}]}`,
		"a short key":                      `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AAAA"}]}`,
		"not JSON":                         `{"keys":`,
	} {
		if _, err := ParseJWKS([]byte(doc)); err == nil {
			t.Errorf("ParseJWKS(%s) accepted it", name)
		}
	}
	// Keys of other types are skipped, not trusted.
	set, err = ParseJWKS([]byte(`{"keys":[{"kty":"RSA","n":"x","e":"AQAB","kid":"r"}]}`))
	if err != nil || len(set.Keys()) != 0 {
		t.Errorf("a set of an RSA key = %v, %v; want no keys", set.Keys(), err)
	}
}

func FuzzParseJWKS(f *testing.F) {
	k := Ephemeral()
	good, _ := json.Marshal(k.KeySet().JWKS())
	f.Add(good)
	f.Add([]byte(`{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AAAA"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		set, err := ParseJWKS(b)
		if err != nil {
			return
		}
		// Whatever was accepted is named by its own thumbprint.
		for _, key := range set.Keys() {
			if key.ID != KeyID(key.Public) || len(key.Public) != ed25519.PublicKeySize {
				t.Fatalf("accepted key %+v", key)
			}
		}
	})
}

// TestKMSKeySignsThroughTheAPI runs the KMS signer against a fake of
// Cloud KMS's REST API: the public key is read once, each signature comes
// from asymmetricSign over the message itself, and a signature that does
// not verify (a wrong key version) is refused.
func TestKMSKeySignsThroughTheAPI(t *testing.T) {
	ctx := context.Background()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	pubDER, _ := x509.MarshalPKIXPublicKey(priv.Public())
	const name = "projects/p/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1"
	wrong := false
	kms := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/v1/"+name+"/publicKey":
			json.NewEncoder(w).Encode(map[string]string{"algorithm": "EC_SIGN_ED25519",
				"pem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))})
		case r.Method == http.MethodPost && r.URL.Path == "/v1/"+name+":asymmetricSign":
			var in struct{ Data string }
			json.NewDecoder(r.Body).Decode(&in)
			msg, _ := base64.StdEncoding.DecodeString(in.Data)
			if wrong {
				msg = append(msg, '!')
			}
			json.NewEncoder(w).Encode(map[string]string{"name": name, "signature": base64.StdEncoding.EncodeToString(ed25519.Sign(priv, msg))})
		default:
			http.Error(w, `{"error":{"code":404}}`, http.StatusNotFound)
		}
	}))
	defer kms.Close()

	k, err := NewKMSKey(ctx, name, kms.URL, kms.Client())
	if err != nil {
		t.Fatal(err)
	}
	if k.KeyID() != KeyID(priv.Public().(ed25519.PublicKey)) {
		t.Fatalf("KMS key id %s; want the thumbprint of its public key", k.KeyID())
	}
	sig, err := k.Sign(ctx, []byte("record"))
	if err != nil || !ed25519.Verify(priv.Public().(ed25519.PublicKey), []byte("record"), sig) {
		t.Fatalf("Sign = %v; want a signature that verifies", err)
	}
	wrong = true
	if _, err := k.Sign(ctx, []byte("record")); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Fatalf("Sign with a wrong answer = %v; want refused", err)
	}
	if _, err := NewKMSKey(ctx, "projects/p/keys/k", kms.URL, kms.Client()); err == nil {
		t.Fatal("a name that is not a key version was accepted")
	}
	if _, err := NewKMSKey(ctx, name+"0", kms.URL, kms.Client()); err == nil {
		t.Fatal("an unknown key version was accepted")
	}
}
