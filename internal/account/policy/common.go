package policy

import (
	_ "embed"
	"strings"
	"sync"
)

// commonText is the 10,000 most common passwords, lower-case, most common
// first; common-passwords.LICENSE.txt names its source and licence.
//
//go:embed common-passwords.txt
var commonText string

// commonSet is the list as a set, built on first use so that processes that
// never check a password do not pay for it, and built once so that checks
// are a map lookup rather than a scan of the list.
var commonSet = sync.OnceValue(func() map[string]struct{} {
	lines := strings.Split(commonText, "\n")
	set := make(map[string]struct{}, len(lines))
	for _, line := range lines {
		if w := strings.TrimSpace(line); w != "" {
			set[w] = struct{}{}
		}
	}
	return set
})

// IsCommon reports whether password is on the common-password list,
// ignoring case: "PASSWORD" is as guessable as "password".
func IsCommon(password string) bool {
	_, ok := commonSet()[strings.ToLower(password)]
	return ok
}
