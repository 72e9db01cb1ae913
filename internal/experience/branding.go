package experience

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/monban-dev/monban/internal/signinexp"
	"github.com/monban-dev/monban/web"
)

// brandOf is the look x gives the pages: logos, favicons, dark mode, and
// the branding stylesheet (/custom.css, versioned by its content so a
// browser fetches it again after a change).
func (p *Pages) brandOf(x *signinexp.SignInExperience) *web.Brand {
	return &web.Brand{
		LogoURL: x.Branding.LogoURL, DarkLogoURL: x.Branding.DarkLogoURL,
		Favicon: x.Branding.Favicon, DarkFavicon: x.Branding.DarkFavicon,
		LightOnly: !x.Color.IsDarkModeEnabled,
		StyleURL:  p.base + "/custom.css?v=" + styleVersion(stylesheet(x)),
	}
}

// Brand is the sign-in experience's look for pages rendered outside this
// package (the OIDC front door's error and signed-out pages, through
// web.WithBrand); nil, logged, when it cannot be loaded.
func (p *Pages) Brand(ctx context.Context) *web.Brand {
	x, err := p.experience(ctx)
	if err != nil {
		p.log(ctx).Warn("hosted page: load sign-in experience for branding", "err", err)
		return nil
	}
	return p.brandOf(x)
}

// customCSS is GET /custom.css: the primary colors as the stylesheet's
// custom properties, then the administrator's custom CSS. It is a file of
// this origin, so the pages' CSP keeps style-src 'self' and no inline
// style: custom CSS can restyle the pages but never run script or load
// from elsewhere.
func (p *Pages) customCSS(w http.ResponseWriter, r *http.Request) {
	x, err := p.experience(r.Context())
	if err != nil {
		p.log(r.Context()).Error("hosted page: load sign-in experience", "err", err)
		http.Error(w, "/* unavailable */", http.StatusServiceUnavailable)
		return
	}
	css := stylesheet(x)
	h := w.Header()
	h.Set("Content-Type", "text/css; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(css)))
	// The pages link it with ?v=<digest of the content>: a change gets a
	// new URL, so an hour of caching never shows an old look for long.
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("ETag", `"`+styleVersion(css)+`"`)
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, styleVersion(css)) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write([]byte(css))
}

// stylesheet is the content of /custom.css for x.
func stylesheet(x *signinexp.SignInExperience) string {
	var b strings.Builder
	b.WriteString("/* Monban branding: the sign-in experience's colors, then its custom CSS. */\n")
	if c, ok := color(x.Color.PrimaryColor); ok {
		fmt.Fprintf(&b, ":root {\n  --accent: %s;\n  --accent-text: %s;\n  --focus: %s;\n}\n", c, textOn(c), c)
	}
	if c, ok := color(x.Color.DarkPrimaryColor); ok && x.Color.IsDarkModeEnabled {
		fmt.Fprintf(&b, "@media (prefers-color-scheme: dark) {\n  :root:not(.light-only) {\n    --accent: %s;\n    --accent-text: %s;\n    --focus: %s;\n  }\n}\n",
			c, textOn(c), c)
	}
	if x.CustomCSS != nil && strings.TrimSpace(*x.CustomCSS) != "" {
		b.WriteString("\n/* Custom CSS */\n")
		b.WriteString(*x.CustomCSS)
		b.WriteString("\n")
	}
	return b.String()
}

func styleVersion(css string) string {
	sum := sha256.Sum256([]byte(css))
	return hex.EncodeToString(sum[:6])
}

// color returns c when it is a #rrggbb color (the sign-in experience
// validates them; a stored value is checked again, as it goes into CSS).
func color(c string) (string, bool) {
	if len(c) != 7 || c[0] != '#' {
		return "", false
	}
	if _, err := strconv.ParseUint(c[1:], 16, 32); err != nil {
		return "", false
	}
	return strings.ToLower(c), true
}

// textOn is the text color readable on background c: dark on a light
// color, white on a dark one (WCAG relative luminance; 0.18 is where the
// contrast with black and with white are equal).
func textOn(c string) string {
	v, _ := strconv.ParseUint(c[1:], 16, 32)
	lin := func(b uint64) float64 {
		s := float64(b) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	l := 0.2126*lin(v>>16&0xff) + 0.7152*lin(v>>8&0xff) + 0.0722*lin(v&0xff)
	if l > 0.18 {
		return "#0b1020"
	}
	return "#ffffff"
}
