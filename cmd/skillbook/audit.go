package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/workflow"
)

// auditVerify runs `skillbook audit verify [--program ID]`: it walks the
// audit chain of one program, or of every program, prints each result and
// fails naming the first broken link of each broken chain.
func auditVerify(ctx context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	programID := fs.String("program", "", "the id of the program whose chain to verify (default: every program's)")
	keysFrom := fs.String("keys", "", "the published keys the chain heads' signed checkpoints are checked with: a JWK set file or URL (default: this deployment's keys)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	keys, err := publishedKeys(ctx, *keysFrom, getenv)
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	st, err := openStore(ctx, cfg, clock.System{}, newLogger(io.Discard, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))

	programs := []string{strings.TrimSpace(*programID)}
	if programs[0] == "" {
		heads, err := st.AuditHeads(ctx)
		if err != nil {
			return fmt.Errorf("audit verify: %w", err)
		}
		programs = programs[:0]
		for _, h := range heads {
			programs = append(programs, h.ProgramID)
		}
		if len(programs) == 0 {
			fmt.Fprintln(stdout, "no audit entries in this store")
			return nil
		}
	}
	var broken []string
	for _, p := range programs {
		v, err := workflow.VerifyAuditChain(ctx, st, keys, p)
		if err != nil {
			return fmt.Errorf("audit verify %s: %w", p, err)
		}
		fmt.Fprintln(stdout, verificationLine(v))
		if !v.Intact {
			broken = append(broken, fmt.Sprintf("%s at entry %d", p, v.Break.Seq))
		}
	}
	if len(broken) > 0 {
		return fmt.Errorf("audit verify: broken chain: %s", strings.Join(broken, ", "))
	}
	return nil
}

func verificationLine(v models.AuditVerification) string {
	if v.Intact {
		return fmt.Sprintf("program %s: intact, %d entries, head %s", v.ProgramID, v.Entries, v.HeadHash)
	}
	return fmt.Sprintf("program %s: BROKEN at entry %d (%s): %s", v.ProgramID, v.Break.Seq, v.Break.Reason, v.Break.Detail)
}
