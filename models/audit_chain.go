package models

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// chainTime is how an entry's time enters its encoding: UTC to the
// millisecond, the precision both engines keep.
const chainTime = "2006-01-02T15:04:05.000Z"

// ChainEncoding is the canonical encoding of audit entry e: every field
// the trail shows (its sequence number, id, type, program, actor, time,
// subject, student, summary and data, keys sorted), each prefixed by its
// length so that no two entries encode alike. The pushes an event causes,
// its hash and the previous hash are not part of it.
func ChainEncoding(e Event) []byte {
	b := []byte("skillbook-audit-v1")
	field := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	field(strconv.FormatInt(e.Seq, 10))
	field(e.ID)
	field(string(e.Type))
	field(e.ProgramID)
	field(e.Actor.UserID)
	field(e.Actor.Name)
	field(string(e.Actor.Role))
	field(e.Actor.RequestID)
	field(e.At.UTC().Format(chainTime))
	field(e.Subject)
	field(e.SubjectID)
	field(e.StudentID)
	field(e.Summary)
	keys := make([]string, 0, len(e.Data))
	for k := range e.Data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	field(strconv.Itoa(len(keys)))
	for _, k := range keys {
		field(k)
		field(e.Data[k])
	}
	return b
}

// ChainHash is the hex SHA-256 over prevHash (the hash of the entry
// before e in its program's chain, empty for the first) and e's canonical
// encoding: each entry commits to the whole chain before it.
func ChainHash(prevHash string, e Event) string {
	h := sha256.New()
	h.Write(binary.AppendUvarint(nil, uint64(len(prevHash))))
	h.Write([]byte(prevHash))
	h.Write(ChainEncoding(e))
	return hex.EncodeToString(h.Sum(nil))
}

// AuditHead is the newest link of a program's audit chain (Seq 0 and no
// hash before its first entry).
type AuditHead struct {
	ProgramID string    `json:"programId" bson:"_id"`
	Seq       int64     `json:"seq" bson:"seq"`
	Hash      string    `json:"hash" bson:"hash"`
	At        time.Time `json:"at" bson:"at"`
}

// Link makes e the next entry of the chain h heads: it sets e's sequence
// number, previous hash and hash, and moves h to e.
func (h *AuditHead) Link(e *Event) {
	e.Seq = h.Seq + 1
	e.PrevHash = h.Hash
	e.Hash = ChainHash(e.PrevHash, *e)
	h.Seq, h.Hash, h.At = e.Seq, e.Hash, e.At
}

// AuditCheckpoint records a program's chain head at a time, signed by a
// key outside the database: an entry rewritten together with every hash
// after it no longer matches a checkpoint made before.
type AuditCheckpoint struct {
	ProgramID string    `json:"programId" bson:"programId"`
	Seq       int64     `json:"seq" bson:"seq"`
	Hash      string    `json:"hash" bson:"hash"`
	At        time.Time `json:"at" bson:"at"`
	KeyID     string    `json:"keyId" bson:"keyId"`
	Signature string    `json:"signature" bson:"signature"`
}

// CheckSignature verifies the checkpoint's Ed25519 signature against keys.
func (c AuditCheckpoint) CheckSignature(keys SignatureVerifier) error {
	if c.KeyID == "" || c.Signature == "" {
		return errors.New("the checkpoint is not signed")
	}
	if keys == nil {
		return errors.New("no published keys to check the checkpoint with")
	}
	return keys.Verify(c.KeyID, c.SigningBytes(), c.Signature)
}

// SigningBytes is what a checkpoint's signature covers: its program,
// sequence number, head hash and time, length-prefixed.
func (c AuditCheckpoint) SigningBytes() []byte {
	b := []byte("skillbook-audit-checkpoint-v1")
	for _, s := range []string{c.ProgramID, strconv.FormatInt(c.Seq, 10), c.Hash, c.At.UTC().Format(chainTime)} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// ChainBreakReason says why a link of an audit chain is broken.
type ChainBreakReason string

// The ways a chain breaks.
const (
	// BreakGap: the entry with this sequence number is missing.
	BreakGap ChainBreakReason = "gap"
	// BreakDuplicate: a second entry claims a sequence number already
	// seen.
	BreakDuplicate ChainBreakReason = "duplicate"
	// BreakPrevHash: the entry names another previous hash than the
	// hash of the entry before it.
	BreakPrevHash ChainBreakReason = "previous-hash"
	// BreakHash: the entry's content does not give its hash (it was
	// changed after it was written).
	BreakHash ChainBreakReason = "hash-mismatch"
	// BreakCheckpoint: the entry's hash differs from the checkpoint made
	// at its sequence number.
	BreakCheckpoint ChainBreakReason = "checkpoint"
	// BreakHead: the chain does not end where the program's head says.
	BreakHead ChainBreakReason = "head"
	// BreakUnlinked: an entry in the trail is in no link of the chain
	// (it was slipped in; its Seq is 0).
	BreakUnlinked ChainBreakReason = "unlinked"
	// BreakCheckpointSignature: the latest checkpoint's signature does not
	// verify with a published key (a checkpoint forged to match a
	// rewritten chain).
	BreakCheckpointSignature ChainBreakReason = "checkpoint-signature"
)

// AuditBreak is the first broken link of a chain.
type AuditBreak struct {
	Seq    int64            `json:"seq" doc:"The sequence number of the first broken link (0 for an entry in no link)."`
	Reason ChainBreakReason `json:"reason" enum:"gap,duplicate,previous-hash,hash-mismatch,checkpoint,checkpoint-signature,head,unlinked"`
	Detail string           `json:"detail"`
}

// AuditVerification is the result of walking a program's audit chain.
type AuditVerification struct {
	ProgramID string `json:"programId"`
	Intact    bool   `json:"intact"`
	// Entries is how many entries were walked and found linked.
	Entries  int64       `json:"entries"`
	HeadSeq  int64       `json:"headSeq"`
	HeadHash string      `json:"headHash,omitempty"`
	Break    *AuditBreak `json:"break,omitempty"`
}

// ChainCheck walks a program's audit chain entry by entry, in sequence
// order, and keeps the first broken link; the engines feed it, a page at
// a time, so no chain is held in memory.
type ChainCheck struct {
	programID  string
	checkpoint *AuditCheckpoint
	last       int64
	prev       string
	brk        *AuditBreak
	unlinked   string
}

// NewChainCheck starts a walk of programID's chain; checkpoint, when not
// nil, is the latest checkpoint the chain must agree with.
func NewChainCheck(programID string, checkpoint *AuditCheckpoint) *ChainCheck {
	return &ChainCheck{programID: programID, checkpoint: checkpoint}
}

// Add checks e, the next entry read in sequence order, and reports
// whether the chain is still intact (the walk can stop when it is not).
func (c *ChainCheck) Add(e Event) bool {
	if c.brk != nil {
		return false
	}
	want := c.last + 1
	switch {
	case e.Seq < want:
		c.brk = &AuditBreak{Seq: e.Seq, Reason: BreakDuplicate, Detail: fmt.Sprintf("entry %s repeats sequence number %d", e.ID, e.Seq)}
	case e.Seq > want:
		c.brk = &AuditBreak{Seq: want, Reason: BreakGap, Detail: fmt.Sprintf("no entry %d: the next entry is %d", want, e.Seq)}
	case e.PrevHash != c.prev:
		c.brk = &AuditBreak{Seq: e.Seq, Reason: BreakPrevHash, Detail: fmt.Sprintf("entry %s does not name the hash of entry %d", e.ID, c.last)}
	case e.ProgramID != c.programID || ChainHash(e.PrevHash, e) != e.Hash:
		c.brk = &AuditBreak{Seq: e.Seq, Reason: BreakHash, Detail: fmt.Sprintf("entry %s does not match its hash: it changed after it was written", e.ID)}
	case c.checkpoint != nil && c.checkpoint.Seq == e.Seq && c.checkpoint.Hash != e.Hash:
		c.brk = &AuditBreak{Seq: e.Seq, Reason: BreakCheckpoint, Detail: fmt.Sprintf("entry %s differs from the checkpoint of %s", e.ID, c.checkpoint.At.UTC().Format(time.RFC3339))}
	default:
		c.last, c.prev = e.Seq, e.Hash
		return true
	}
	return false
}

// Unlinked records an entry of the trail that has no sequence number: the
// chain is broken by it unless it is broken earlier.
func (c *ChainCheck) Unlinked(id string) {
	if c.unlinked == "" {
		c.unlinked = id
	}
}

// Result ends the walk: head is the program's recorded chain head (zero
// when it has none), which the walk must have reached.
func (c *ChainCheck) Result(head AuditHead) AuditVerification {
	v := AuditVerification{ProgramID: c.programID, Entries: c.last, HeadSeq: c.last, HeadHash: c.prev, Break: c.brk}
	if v.Break == nil {
		switch {
		case c.checkpoint != nil && c.checkpoint.Seq > c.last:
			v.Break = &AuditBreak{Seq: c.last + 1, Reason: BreakGap, Detail: fmt.Sprintf("the chain ends at %d before the checkpoint at %d", c.last, c.checkpoint.Seq)}
		case head.Seq > c.last:
			v.Break = &AuditBreak{Seq: c.last + 1, Reason: BreakGap, Detail: fmt.Sprintf("the chain ends at %d; its head is %d", c.last, head.Seq)}
		case head.Seq < c.last:
			v.Break = &AuditBreak{Seq: head.Seq + 1, Reason: BreakHead, Detail: fmt.Sprintf("the chain runs to %d past its head at %d", c.last, head.Seq)}
		case head.Hash != c.prev:
			v.Break = &AuditBreak{Seq: c.last, Reason: BreakHead, Detail: "the last entry's hash is not the head's"}
		case c.unlinked != "":
			v.Break = &AuditBreak{Reason: BreakUnlinked, Detail: fmt.Sprintf("entry %s is in the trail but in no link of the chain", c.unlinked)}
		}
	}
	v.Intact = v.Break == nil
	return v
}
