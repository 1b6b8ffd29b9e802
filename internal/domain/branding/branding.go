// Package branding is how the console looks when an operator embeds it: the
// name, logo and primary colour shown to their customers, set per console
// session or by configuration (FERRY_CONSOLE_*), and checked alike in both.
package branding

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/ferryhq/ferry/internal/domain/apperr"
)

// Limits of a branding's values.
const (
	MaxNameChars     = 100
	MaxLogoURLBytes  = 2048     // an https:// logo URL
	MaxLogoDataBytes = 64 << 10 // a data: logo URL, whole
)

// Branding is the console's name, logo and primary colour; nil fields are
// unset. It is both ConsoleBrandingInput and ConsoleBranding.
type Branding struct {
	Name         *string `json:"name,omitempty"`
	LogoURL      *string `json:"logoURL,omitempty"`
	PrimaryColor *string `json:"primaryColor,omitempty"`
}

// Or returns b with each unset field taken from fallback.
func (b Branding) Or(fallback Branding) Branding {
	if b.Name == nil {
		b.Name = fallback.Name
	}
	if b.LogoURL == nil {
		b.LogoURL = fallback.LogoURL
	}
	if b.PrimaryColor == nil {
		b.PrimaryColor = fallback.PrimaryColor
	}
	return b
}

// Check returns a BAD_USER_INPUT error naming prefix and the field (e.g.
// branding.primaryColor) for the first bad value it holds.
func (b Branding) Check(prefix string) error {
	if b.Name != nil {
		if err := CheckName(prefix+"name", *b.Name); err != nil {
			return err
		}
	}
	if b.LogoURL != nil {
		if err := CheckLogoURL(prefix+"logoURL", *b.LogoURL); err != nil {
			return err
		}
	}
	if b.PrimaryColor != nil {
		return CheckColor(prefix+"primaryColor", *b.PrimaryColor)
	}
	return nil
}

// CheckName accepts a displayed name of 1-100 characters.
func CheckName(field, name string) error {
	return apperr.CheckName(field, name, MaxNameChars)
}

// logoTypes are the image types a data: logo may have. SVG is safe here:
// the console shows logos in <img>, where an SVG's scripts never run.
var logoTypes = []string{"image/png", "image/jpeg", "image/svg+xml", "image/webp"}

// CheckLogoURL accepts an https:// URL of at most 2048 bytes, or a base64
// data: URL of a PNG, JPEG, SVG or WebP image of at most 64 KiB. Plain
// http:// is refused: the console is served over HTTPS and would block it.
func CheckLogoURL(field, raw string) error {
	if data, ok := strings.CutPrefix(raw, "data:"); ok {
		return checkDataLogo(field, raw, data)
	}
	if len(raw) > MaxLogoURLBytes {
		return apperr.Invalid(field, "must be at most %d bytes", MaxLogoURLBytes)
	}
	if err := apperr.CheckName(field, raw, MaxLogoURLBytes); err != nil {
		return err
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return apperr.Invalid(field, "must be an https:// URL without credentials, or a data:image/…;base64 URL")
	}
	return nil
}

// checkDataLogo checks data, a data: URL without its scheme.
func checkDataLogo(field, raw, data string) error {
	if len(raw) > MaxLogoDataBytes {
		return apperr.Invalid(field, "must be at most %d KiB as a data: URL", MaxLogoDataBytes>>10)
	}
	mediaType, payload, ok := strings.Cut(data, ";base64,")
	if !ok || !slices.Contains(logoTypes, mediaType) {
		return apperr.Invalid(field, "must be a base64 data: URL of an image/png, image/jpeg, image/svg+xml or image/webp")
	}
	if _, err := base64.StdEncoding.DecodeString(payload); err != nil || payload == "" {
		return apperr.Invalid(field, "must carry its image in standard base64 after ;base64,")
	}
	return nil
}

// colorPattern is a CSS hex colour of six digits.
var colorPattern = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// CheckColor accepts a colour written #rrggbb.
func CheckColor(field, color string) error {
	if !colorPattern.MatchString(color) {
		return apperr.Invalid(field, "must be a colour written #rrggbb, e.g. #0d6efd")
	}
	return nil
}
