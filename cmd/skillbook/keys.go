package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"skillbook/export"
	"skillbook/signing"
)

// verifyCmd checks the signed records of archives and transcript PDFs
// against published keys, naming every record that fails.
func verifyCmd(ctx context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	keysFrom := fs.String("keys", "", "the published keys: a JWK set file, or its URL https://HOST/.well-known/skillbook-keys.json (default: this deployment's keys)")
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageErrorf(fs, "name at least one archive or transcript PDF")
	}
	keys, err := publishedKeys(ctx, *keysFrom, getenv)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	failed := 0
	for _, path := range fs.Args() {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		v, err := export.VerifyFile(ctx, f, keys)
		f.Close()
		if err != nil {
			return fmt.Errorf("verify %s: %w", path, err)
		}
		if v.OK() {
			fmt.Fprintf(stdout, "%s: %s, %d signed records, every one verifies\n", path, v.Kind, v.Signed)
		} else {
			failed++
			fmt.Fprintf(stdout, "%s: %s, %d signed records, %d do NOT verify:\n", path, v.Kind, v.Signed, len(v.Failures))
			for _, f := range v.Failures {
				fmt.Fprintf(stdout, "  %s\n", f)
			}
		}
		// A transcript's pages are only text: say what its signatures vouch
		// for, to compare with what is printed.
		for _, r := range v.Records {
			what := fmt.Sprintf("%s %d%%", r.Outcome, r.Score)
			if r.AmendmentID != "" {
				what = "amendment: " + r.Reason
			}
			fmt.Fprintf(stdout, "  verified: %s v%d, student %s, %s, signed %s by %s (%s)\n", r.ChecklistID, r.ChecklistVersion,
				r.StudentID, what, r.SignedAt, r.SignerName, r.SignerCredential)
		}
	}
	if failed > 0 {
		return fmt.Errorf("verify: %d of %d files hold records that do not verify", failed, fs.NArg())
	}
	return nil
}

// publishedKeys reads the keys records are checked against: a JWK set
// from a file or URL, or this deployment's own.
func publishedKeys(ctx context.Context, from string, getenv func(string) string) (*signing.KeySet, error) {
	if from == "" {
		cfg, err := loadConfig(getenv)
		if err != nil {
			return nil, err
		}
		if !cfg.Signing.Configured() && cfg.Signing.DemoDir == "" {
			return nil, errors.New("no keys: pass --keys with the published key set (a file or its URL), or set this deployment's SIGNING_KEY_FILE, SIGNING_KEY or SIGNING_KMS_KEY")
		}
		_, keys, err := signing.Load(ctx, cfg.Signing, newLogger(io.Discard, cfg.LogLevel))
		return keys, err
	}
	var b []byte
	if strings.HasPrefix(from, "https://") || strings.HasPrefix(from, "http://") {
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, from, nil)
		if err != nil {
			return nil, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, fmt.Errorf("read the published keys: %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("read the published keys: %s answered %s", from, resp.Status)
		}
		if b, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20)); err != nil {
			return nil, fmt.Errorf("read the published keys: %w", err)
		}
	} else {
		var err error
		if b, err = os.ReadFile(from); err != nil {
			return nil, err
		}
	}
	return signing.ParseJWKS(b)
}

// keysShow prints this deployment's published keys.
func keysShow(ctx context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
	if err := parseFlags(flag.NewFlagSet("keys show", flag.ContinueOnError), args); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	_, keys, err := signing.Load(ctx, cfg.Signing, newLogger(io.Discard, cfg.LogLevel))
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(keys.JWKS(), "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", b)
	return nil
}

// keysGenerate writes a new signing key file.
func keysGenerate(_ context.Context, args []string, _ func(string) string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("keys generate", flag.ContinueOnError)
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf(fs, "name the one file to write")
	}
	file := fs.Arg(0)
	k, err := signing.GenerateKeyFile(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote a new signing key to %s (key id %s); set SIGNING_KEY_FILE=%s\n", file, k.KeyID(), file)
	return nil
}

// keysRotate replaces the key in SIGNING_KEY_FILE and keeps the old
// public key with the retired ones.
func keysRotate(_ context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
	if err := parseFlags(flag.NewFlagSet("keys rotate", flag.ContinueOnError), args); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	keyFile, retired := cfg.Signing.KeyFile, cfg.Signing.RetiredFile
	if keyFile == "" && !cfg.Signing.Configured() && cfg.Signing.DemoDir != "" {
		keyFile = filepath.Join(cfg.Signing.DemoDir, signing.DemoKeyFile)
		if retired == "" {
			retired = filepath.Join(cfg.Signing.DemoDir, signing.DemoRetiredFile)
		}
	}
	switch {
	case keyFile == "":
		return &usageError{msg: "keys rotate: rotates the key in SIGNING_KEY_FILE (a key in SIGNING_KEY or KMS is rotated where it lives; add the old public key to SIGNING_RETIRED_KEYS)"}
	case retired == "":
		return &usageError{msg: "keys rotate: set SIGNING_RETIRED_KEYS to the file that keeps retired public keys, or what the old key signed stops verifying"}
	}
	old, current, err := signing.Rotate(keyFile, retired)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "retired key %s (kept in %s); signing now with key %s; restart the server to use it\n", old.KeyID(), retired, current.KeyID())
	return nil
}
