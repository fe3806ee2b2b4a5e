package signing

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2/google"
)

// KMSKey signs with a Google Cloud KMS asymmetric key (EC_SIGN_ED25519):
// the private key never leaves KMS.
type KMSKey struct {
	name     string
	endpoint string
	client   *http.Client
	public   ed25519.PublicKey
	id       string
}

// kmsScope is the OAuth scope KMS signing needs.
const kmsScope = "https://www.googleapis.com/auth/cloudkms"

// NewKMSKey opens KMS key version name (projects/…/cryptoKeyVersions/N) at
// endpoint (KMS's own when ""), authenticated by client (Application
// Default Credentials when nil), and reads its public key.
func NewKMSKey(ctx context.Context, name, endpoint string, client *http.Client) (*KMSKey, error) {
	if !strings.HasPrefix(name, "projects/") || !strings.Contains(name, "/cryptoKeyVersions/") {
		return nil, fmt.Errorf("signing: SIGNING_KMS_KEY %q is not a KMS key version (projects/…/cryptoKeyVersions/N)", name)
	}
	if endpoint == "" {
		endpoint = "https://cloudkms.googleapis.com"
	}
	if client == nil {
		c, err := google.DefaultClient(ctx, kmsScope)
		if err != nil {
			return nil, fmt.Errorf("signing: KMS credentials: %w", err)
		}
		client = c
	}
	client.Timeout = 15 * time.Second
	k := &KMSKey{name: name, endpoint: strings.TrimRight(endpoint, "/"), client: client}
	var out struct {
		PEM       string `json:"pem"`
		Algorithm string `json:"algorithm"`
	}
	if err := k.call(ctx, http.MethodGet, "/v1/"+name+"/publicKey", nil, &out); err != nil {
		return nil, err
	}
	if out.Algorithm != "EC_SIGN_ED25519" {
		return nil, fmt.Errorf("signing: KMS key %s is %s; want EC_SIGN_ED25519", name, out.Algorithm)
	}
	block, _ := pem.Decode([]byte(out.PEM))
	if block == nil {
		return nil, fmt.Errorf("signing: KMS key %s: no PEM public key", name)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing: KMS key %s: %w", name, err)
	}
	var ok bool
	if k.public, ok = pub.(ed25519.PublicKey); !ok {
		return nil, fmt.Errorf("signing: KMS key %s is a %T; want Ed25519", name, pub)
	}
	k.id = KeyID(k.public)
	return k, nil
}

// KeyID implements Signer.
func (k *KMSKey) KeyID() string { return k.id }

// PublicKey implements Signer.
func (k *KMSKey) PublicKey() ed25519.PublicKey { return k.public }

// Sign implements Signer: Ed25519 in KMS signs the message itself (pure
// EdDSA), sent as data.
func (k *KMSKey) Sign(ctx context.Context, msg []byte) ([]byte, error) {
	var out struct {
		Signature string `json:"signature"`
		Name      string `json:"name"`
	}
	in := map[string]string{"data": base64.StdEncoding.EncodeToString(msg)}
	if err := k.call(ctx, http.MethodPost, "/v1/"+k.name+":asymmetricSign", in, &out); err != nil {
		return nil, err
	}
	sig, err := base64.StdEncoding.DecodeString(out.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, fmt.Errorf("signing: KMS answered no Ed25519 signature")
	}
	// A signature checked before it is stored: a wrong key version or a
	// corrupted answer never reaches a record.
	if !ed25519.Verify(k.public, msg, sig) {
		return nil, fmt.Errorf("signing: KMS's signature does not verify with key %s", k.id)
	}
	return sig, nil
}

func (k *KMSKey) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, k.endpoint+path, body)
	if err != nil {
		return fmt.Errorf("signing: KMS: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := k.client.Do(req)
	if err != nil {
		return fmt.Errorf("signing: KMS: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("signing: KMS: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("signing: KMS %s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(b))
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("signing: KMS answer: %w", err)
	}
	return nil
}
