package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// smtpSink is a minimal SMTP server that keeps the DATA of each message.
func smtpSink(t *testing.T) (addr string, got chan string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got = make(chan string, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				r := bufio.NewReader(c)
				w := func(s string) { c.Write([]byte(s + "\r\n")) }
				w("220 sink")
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
							got <- data.String()
							w("250 ok")
							continue
						}
						data.WriteString(line)
						continue
					}
					switch cmd := strings.ToUpper(strings.Fields(line + " x")[0]); cmd {
					case "EHLO", "HELO":
						w("250 sink")
					case "DATA":
						inData = true
						w("354 go")
					case "QUIT":
						w("221 bye")
						return
					default:
						w("250 ok")
					}
				}
			}(c)
		}
	}()
	return ln.Addr().String(), got
}

func TestSMTPDelivers(t *testing.T) {
	addr, got := smtpSink(t)
	s, err := NewSMTPFromURL("smtp://" + addr + "?from=no-reply@monban.test")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), Message{To: "alice@example.com", Subject: "Your code 123456", Body: "Code: 123456"})
	if err != nil {
		t.Fatal(err)
	}
	msg := <-got
	if !strings.Contains(msg, "To: alice@example.com") || !strings.Contains(msg, "Code: 123456") {
		t.Fatalf("message: %q", msg)
	}
	if err := s.Send(context.Background(), Message{To: "a@b.c\r\nBcc: evil@x", Subject: "s"}); err == nil {
		t.Fatal("header injection accepted")
	}
}

func TestSMTPURLErrors(t *testing.T) {
	for _, raw := range []string{"http://x:25?from=a@b", "smtp://host?from=a@b", "smtp://host:25", "::"} {
		if _, err := NewSMTPFromURL(raw); err == nil {
			t.Errorf("NewSMTPFromURL(%q) accepted", raw)
		}
	}
}

func TestWebhook(t *testing.T) {
	var body map[string]string
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		json.NewDecoder(r.Body).Decode(&body)
	}))
	defer srv.Close()
	h := &Webhook{URL: srv.URL, Secret: "s3"}
	if err := h.Send(context.Background(), Message{To: "+81901234567", Type: "SignIn", Code: "654321"}); err != nil {
		t.Fatal(err)
	}
	if body["to"] != "+81901234567" || body["code"] != "654321" || auth != "Bearer s3" {
		t.Fatalf("webhook got %v %q", body, auth)
	}
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer bad.Close()
	if err := (&Webhook{URL: bad.URL}).Send(context.Background(), Message{To: "x"}); err == nil {
		t.Fatal("500 from the webhook reported as success")
	}
}
