package workflow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"skillbook/auth"
	"skillbook/clock"
	"skillbook/models"
)

// SigningPINStore keeps instructors' signing PINs.
type SigningPINStore interface {
	// SetSigningPIN stores a new PIN hash for user userID, clears any
	// lock and records ev; ErrNotFound when there is no such user.
	SetSigningPIN(ctx context.Context, programID, userID, hash string, ev models.Event) error
}

// PINTryStore counts signing-PIN tries.
type PINTryStore interface {
	// RecordPINTry records one checked try of instructor userID's signing
	// PIN with its event tried, unless the PIN is locked (maxFailures wrong
	// tries in a row): a wrong try counts toward the lock, a right one
	// resets the count. The wrong try that reaches maxFailures locks the
	// PIN (stamping when) and records locked with it, in the same write.
	// A try on a PIN locked meanwhile is only counted as refused (no
	// event) and reports locked. It returns the wrong tries in a row.
	RecordPINTry(ctx context.Context, programID, userID string, ok bool, maxFailures int, tried, locked models.Event) (failures int, wasLocked bool, err error)
	// RefusePINTry counts one try of userID's locked PIN (maxFailures
	// wrong tries in a row), refused before it was checked; no event (the
	// lock's entry, and the count the next SetSigningPIN records, stand
	// for the refused tries). A PIN reset meanwhile is left as it is.
	RefusePINTry(ctx context.Context, programID, userID string, maxFailures int) error
}

// Accounts reports on users' sign-in accounts at the identity provider.
type Accounts interface {
	// AccountStatus returns the state of sign-in account uid, now:
	// models.ErrNotFound when it no longer exists.
	AccountStatus(ctx context.Context, uid string) (models.AccountStatus, error)
}

// checkAccount refuses a PIN whose instructor's sign-in account no longer
// exists, is disabled, or had its sessions revoked after the PIN was set.
// A PIN set before set times were kept counts as set at the instructor's
// last update (no earlier than it was).
func (e *Evaluations) checkAccount(ctx context.Context, instructor models.User) error {
	if e.accounts == nil {
		return fmt.Errorf("%w: PIN sign-off is unavailable: this server cannot check instructors' sign-in accounts", models.ErrUnavailable)
	}
	if instructor.UID == "" {
		return &models.Refusal{Code: "instructor-account-gone", Detail: "the instructor has no sign-in account; their signing PIN cannot be used"}
	}
	st, err := e.accounts.AccountStatus(ctx, instructor.UID)
	if errors.Is(err, models.ErrNotFound) {
		return &models.Refusal{Code: "instructor-account-gone", Detail: "the instructor's sign-in account no longer exists; their signing PIN cannot be used"}
	}
	if err != nil {
		return err
	}
	setAt := instructor.UpdatedAt
	if instructor.PINSetAt != nil {
		setAt = *instructor.PINSetAt
	}
	return models.PINAccountRefusal(st, setAt)
}

// The limits of signing-PIN tries, in this process: a student's session
// gets ten tries (enough to meet the lock, not a 429, after the fifth
// wrong one) and then one a minute; a device (models.PINDevice), which
// several students may share in a skills lab, fifteen and then one every
// thirty seconds, so signing in as classmates on one phone buys no more
// tries; an instructor's PIN, tried from every student of their cohorts,
// a skills lab's worth and then one every fifteen seconds. Either way a
// flood is refused before any bcrypt work.
const (
	pinTriesPerStudent       = 10
	pinTriesStudentEvery     = time.Minute
	pinTriesPerDevice        = 15
	pinTriesDeviceEvery      = 30 * time.Second
	pinTriesPerInstructor    = 20
	pinTriesInstructorEvery  = 15 * time.Second
	errPINLockedDetail       = "the instructor's signing PIN is locked after too many wrong tries; they must set a new one from their own session"
	errPINTriesLimitedDetail = "too many signing-PIN tries; wait before trying again"
)

// pinGuard holds what checks a signing-PIN try before it costs a bcrypt
// comparison: the per-student, per-device and per-instructor limits, and
// the comparison itself (a test counts the calls).
type pinGuard struct {
	students    *limiter
	devices     *limiter
	instructors *limiter
	compare     func(hash, pin string) bool
}

func newPINGuard(clk clock.Clock) pinGuard {
	return pinGuard{
		students:    newLimiter(clk, pinTriesPerStudent, pinTriesStudentEvery),
		devices:     newLimiter(clk, pinTriesPerDevice, pinTriesDeviceEvery),
		instructors: newLimiter(clk, pinTriesPerInstructor, pinTriesInstructorEvery),
		compare:     auth.CheckPIN,
	}
}

// allow takes a try of studentID's session, of device and of
// instructorID's PIN.
func (g pinGuard) allow(studentID, device, instructorID string) error {
	for _, l := range []struct {
		lim *limiter
		key string
	}{{g.students, studentID}, {g.devices, device}, {g.instructors, instructorID}} {
		if ok, wait := l.lim.allow(l.key); !ok {
			return &models.Limited{Code: "signing-pin-tries-limited", Detail: errPINTriesLimitedDetail, RetryAfter: wait}
		}
	}
	return nil
}

// SetSigningPIN sets (or resets, which unlocks) the PIN the calling
// instructor signs with on a student's device. The PIN is kept only as a
// hash, and never logged.
func (e *Evaluations) SetSigningPIN(ctx context.Context, caller Caller, pin string) error {
	if err := auth.ValidatePIN(pin); err != nil {
		return err
	}
	hash, err := auth.HashPIN(pin)
	if err != nil {
		return err
	}
	ev := models.Event{Type: models.EventSigningPINSet, ProgramID: caller.ProgramID, Actor: caller.Actor(), Subject: "user", SubjectID: caller.ID,
		Summary: "set a new signing PIN"}
	// A new PIN ends a lock: its entry carries the tries refused while it
	// lasted, which were counted rather than audited one by one.
	cur, err := e.store.User(ctx, caller.ProgramID, caller.ID)
	if err != nil {
		return err
	}
	if cur.PINFailures >= auth.MaxPINFailures {
		ev.Summary = fmt.Sprintf("set a new signing PIN, ending its lock (%d tries refused while locked)", cur.PINRefused)
		ev.Data = map[string]string{"unlocked": "true", "refusedWhileLocked": fmt.Sprint(cur.PINRefused)}
		if cur.PINLockedAt != nil {
			ev.Data["lockedAt"] = cur.PINLockedAt.UTC().Format(time.RFC3339)
		}
	}
	return e.store.SetSigningPIN(ctx, caller.ProgramID, caller.ID, hash, ev)
}

// SigningPINStatus is what u sees of their own signing PIN.
func SigningPINStatus(u models.User) models.SigningPINStatus {
	st := models.SigningPINStatus{Set: u.PINSet}
	if u.PINSet && u.PINFailures >= auth.MaxPINFailures {
		st.Locked, st.LockedAt, st.RefusedTries = true, u.PINLockedAt, u.PINRefused
	}
	return st
}
