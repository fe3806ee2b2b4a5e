package models

import (
	"fmt"
	"testing"
	"time"
)

// chainOf links n entries of program p1.
func chainOf(n int) []Event {
	h := AuditHead{ProgramID: "p1"}
	out := make([]Event, n)
	for i := range out {
		out[i] = Event{ID: fmt.Sprintf("e%d", i+1), Type: "user.updated", ProgramID: "p1", Actor: SystemActor,
			At: time.Date(2026, 12, 1, 9, 0, i, 0, time.UTC), Summary: "s", Data: map[string]string{"k": fmt.Sprint(i)}}
		h.Link(&out[i])
	}
	return out
}

func TestChainEncodingCoversWhatTheEntryShows(t *testing.T) {
	base := chainOf(1)[0]
	changes := map[string]func(e *Event){
		"seq":        func(e *Event) { e.Seq++ },
		"id":         func(e *Event) { e.ID += "x" },
		"type":       func(e *Event) { e.Type += "x" },
		"program":    func(e *Event) { e.ProgramID += "x" },
		"actor":      func(e *Event) { e.Actor.UserID += "x" },
		"actor name": func(e *Event) { e.Actor.Name += "x" },
		"role":       func(e *Event) { e.Actor.Role += "x" },
		"request":    func(e *Event) { e.Actor.RequestID += "x" },
		"time":       func(e *Event) { e.At = e.At.Add(time.Millisecond) },
		"subject":    func(e *Event) { e.Subject += "x" },
		"subject id": func(e *Event) { e.SubjectID += "x" },
		"student":    func(e *Event) { e.StudentID += "x" },
		"summary":    func(e *Event) { e.Summary += "x" },
		"data value": func(e *Event) { e.Data = map[string]string{"k": "1"} },
		"data key":   func(e *Event) { e.Data = map[string]string{"k2": "0"} },
		"data added": func(e *Event) { e.Data = map[string]string{"k": "0", "": ""} },
		// Fields moved across a boundary encode differently.
		"shifted": func(e *Event) { e.Subject, e.SubjectID = e.Subject+"a", "b"+e.SubjectID },
	}
	for name, change := range changes {
		e := base
		e.Data = map[string]string{"k": "0"}
		change(&e)
		if ChainHash(base.PrevHash, e) == base.Hash {
			t.Errorf("changing the %s leaves the hash as it was", name)
		}
	}
	same := base
	same.Notify = []Notification{{UserID: "u"}}
	same.At = same.At.In(time.FixedZone("x", 3600))
	if ChainHash(base.PrevHash, same) != base.Hash {
		t.Errorf("the pushes or the time zone change the hash")
	}
}

func TestChainCheck(t *testing.T) {
	tamper := func(f func([]Event) []Event) []Event { return f(chainOf(5)) }
	cases := []struct {
		name     string
		entries  []Event
		head     AuditHead
		cp       *AuditCheckpoint
		seq      int64
		reason   ChainBreakReason
		unlinked string
	}{
		{"intact", chainOf(5), AuditHead{Seq: 5}, nil, 0, "", ""},
		{"empty", nil, AuditHead{}, nil, 0, "", ""},
		{"changed", tamper(func(es []Event) []Event { es[2].Summary = "forged"; return es }), AuditHead{Seq: 5}, nil, 3, BreakHash, ""},
		{"moved to another program", tamper(func(es []Event) []Event { es[1].ProgramID = "p2"; return es }), AuditHead{Seq: 5}, nil, 2, BreakHash, ""},
		{"removed", tamper(func(es []Event) []Event { return append(es[:1], es[2:]...) }), AuditHead{Seq: 5}, nil, 2, BreakGap, ""},
		{"repeated", tamper(func(es []Event) []Event { return append(es[:3], es[2:]...) }), AuditHead{Seq: 5}, nil, 3, BreakDuplicate, ""},
		{"rehashed", tamper(func(es []Event) []Event {
			es[3].Summary = "forged"
			es[3].Hash = ChainHash(es[3].PrevHash, es[3])
			return es
		}), AuditHead{Seq: 5}, nil, 5, BreakPrevHash, ""},
		{"cut short", chainOf(3), AuditHead{Seq: 5}, nil, 4, BreakGap, ""},
		{"past its head", chainOf(5), AuditHead{Seq: 4}, nil, 5, BreakHead, ""},
		{"checkpoint differs", chainOf(5), AuditHead{Seq: 5}, &AuditCheckpoint{Seq: 3, Hash: "other"}, 3, BreakCheckpoint, ""},
		{"checkpoint agrees", chainOf(5), AuditHead{Seq: 5}, &AuditCheckpoint{Seq: 3, Hash: chainOf(3)[2].Hash}, 0, "", ""},
		{"short of its checkpoint", chainOf(3), AuditHead{Seq: 3}, &AuditCheckpoint{Seq: 4, Hash: chainOf(4)[3].Hash}, 4, BreakGap, ""},
		{"an entry in no link", chainOf(5), AuditHead{Seq: 5}, nil, 0, BreakUnlinked, "slipped"},
		{"a link broken before an entry in none", tamper(func(es []Event) []Event { es[1].Summary = "x"; return es }), AuditHead{Seq: 5}, nil, 2, BreakHash, "slipped"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			check := NewChainCheck("p1", c.cp)
			for _, e := range c.entries {
				if !check.Add(e) {
					break
				}
			}
			if c.unlinked != "" {
				check.Unlinked(c.unlinked)
			}
			head := c.head
			if head.Seq > 0 && head.Seq <= int64(len(chainOf(5))) {
				head.Hash = chainOf(int(head.Seq))[head.Seq-1].Hash
			}
			v := check.Result(head)
			if c.reason == "" {
				if !v.Intact || v.Break != nil || v.Entries != int64(len(c.entries)) {
					t.Errorf("Result = %+v (%+v); want intact", v, v.Break)
				}
				return
			}
			if v.Intact || v.Break == nil || v.Break.Seq != c.seq || v.Break.Reason != c.reason {
				t.Errorf("Result = %+v (%+v); want broken at %d (%s)", v, v.Break, c.seq, c.reason)
			}
		})
	}
}
