package browser

import (
	"bufio"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/notify"
)

// mailSink is a minimal SMTP server that keeps every message it receives:
// the deployment's real SMTP connector (notify.SMTP) delivers the
// verification codes to it, and the tests read them back, as a person
// reads their inbox.
type mailSink struct {
	addr string
	mu   sync.Mutex
	msgs []mail
	cond *sync.Cond
}

type mail struct{ to, data string }

func newMailSink(t *testing.T) *mailSink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &mailSink{addr: ln.Addr().String()}
	s.cond = sync.NewCond(&s.mu)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

// serve speaks just enough SMTP for net/smtp: no STARTTLS, no AUTH.
func (s *mailSink) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(c)
	w := func(line string) { c.Write([]byte(line + "\r\n")) }
	w("220 sink.test ESMTP")
	var rcpt string
	var data strings.Builder
	inData := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if inData {
			if line == ".\r\n" {
				inData = false
				s.mu.Lock()
				s.msgs = append(s.msgs, mail{to: rcpt, data: data.String()})
				s.cond.Broadcast()
				s.mu.Unlock()
				data.Reset()
				w("250 queued")
				continue
			}
			data.WriteString(strings.TrimPrefix(line, "."))
			continue
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			w("500 empty")
			continue
		}
		switch strings.ToUpper(fields[0]) {
		case "EHLO", "HELO":
			w("250 sink.test")
		case "RCPT":
			if i, j := strings.IndexByte(line, '<'), strings.IndexByte(line, '>'); 0 <= i && i < j {
				rcpt = line[i+1 : j]
			}
			w("250 ok")
		case "DATA":
			inData = true
			w("354 end with .")
		case "QUIT":
			w("221 bye")
			return
		default:
			w("250 ok")
		}
	}
}

// sender is the deployment's email connector, pointed at the sink.
func (s *mailSink) sender(t *testing.T) notify.Sender {
	snd, err := notify.NewSMTPFromURL("smtp://" + s.addr + "?from=no-reply@monban.test")
	if err != nil {
		t.Fatal(err)
	}
	return snd
}

var codeInMail = regexp.MustCompile(`\b(\d{6})\b`)

// code waits for the next message to `to` after the first `after` ones and
// returns the verification code in it.
func (s *mailSink) code(t *testing.T, to string, after int) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	timer := time.AfterFunc(10*time.Second, func() { s.mu.Lock(); s.cond.Broadcast(); s.mu.Unlock() })
	defer timer.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		n := 0
		for _, m := range s.msgs {
			if m.to != to {
				continue
			}
			if n++; n > after {
				if c := codeInMail.FindStringSubmatch(m.data); c != nil {
					return c[1]
				}
				t.Fatalf("no code in the mail to %s:\n%s", to, m.data)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail to %s", to)
		}
		s.cond.Wait()
	}
}
