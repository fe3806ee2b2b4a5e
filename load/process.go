package load

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Process is a Skillbook command (serve or db) run as a child process. It
// logs JSON lines on stdout; the line with msg "listening" says where.
type Process struct {
	Cmd     *exec.Cmd
	Addr    string
	Started time.Time
	done    chan struct{}
	err     error
	mu      sync.Mutex
	lines   []string
}

// Start runs name with args and env (added to this process's environment),
// copies its output to logs (when not nil), and waits up to timeout for its
// "listening" line.
func Start(ctx context.Context, name string, args, env []string, logs io.Writer, timeout time.Duration) (*Process, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = cmd.Stdout
	p := &Process{Cmd: cmd, done: make(chan struct{})}
	p.Started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			if len(p.lines) < 200 {
				p.lines = append(p.lines, line)
			}
			p.mu.Unlock()
			if logs != nil {
				fmt.Fprintln(logs, line)
			}
			var l struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "listening" && l.Addr != "" {
				select {
				case addr <- l.Addr:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
		p.err = cmd.Wait()
		close(p.done)
	}()
	select {
	case p.Addr = <-addr:
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("%s exited before listening (%v); its first lines:\n%s", name, p.err, p.Head())
	case <-time.After(timeout):
		p.Kill()
		return nil, fmt.Errorf("%s did not listen within %s; its first lines:\n%s", name, timeout, p.Head())
	case <-ctx.Done():
		p.Kill()
		return nil, ctx.Err()
	}
}

// Head is the first lines the process wrote.
func (p *Process) Head() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := ""
	for _, l := range p.lines {
		out += l + "\n"
	}
	return out
}

// WaitReady polls http://Addr/readyz until it answers 200 and returns the
// time since the process was started.
func (p *Process) WaitReady(ctx context.Context, timeout time.Duration) (time.Duration, error) {
	hc := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.Addr+"/readyz", nil)
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(p.Started), nil
			}
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-p.done:
			return 0, fmt.Errorf("exited before ready: %v", p.err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	return 0, fmt.Errorf("/readyz not 200 within %s", timeout)
}

// Stop sends SIGTERM and waits up to timeout for the process to end, then
// kills it.
func (p *Process) Stop(timeout time.Duration) error {
	_ = p.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		p.Kill()
		return errors.New("did not stop in time; killed")
	}
}

// Kill sends SIGKILL and waits for the process to end.
func (p *Process) Kill() {
	_ = p.Cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Done is closed when the process has ended.
func (p *Process) Done() <-chan struct{} { return p.done }
